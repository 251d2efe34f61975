"use client";

import type { OrderAccepted } from "@/api/types";
import { useApi } from "@/api/useApi";
import { Button } from "@/components/Button";
import { ProblemAlert } from "@/components/ProblemAlert";
import { useCommand } from "@/lib/useCommand";

/** Cancels the order; `onCancelled` gets the command's answer, to wait for its position. */
export function CancelOrder({ orderId, onCancelled }: { orderId: string; onCancelled: (accepted: OrderAccepted) => void }) {
  const api = useApi();
  const cancel = useCommand(async () => onCancelled(await api.cancelOrder(orderId)));
  return (
    <div className="flex flex-col items-start gap-2">
      <Button variant="danger" onClick={() => cancel.execute()} disabled={cancel.busy}>
        {cancel.busy ? "Cancelling…" : "Cancel order"}
      </Button>
      {cancel.error && <ProblemAlert error={cancel.error} />}
    </div>
  );
}
