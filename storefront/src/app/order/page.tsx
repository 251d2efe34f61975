"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { Gate } from "@/components/Gate";
import { AdminOrderLinks } from "@/components/orders/AdminOrderLinks";
import { CancelOrder } from "@/components/orders/CancelOrder";
import { orderHref } from "@/components/orders/links";
import { OrderView } from "@/components/orders/OrderView";
import { useSettledOrder } from "@/components/orders/useSettledOrder";
import { ProblemAlert } from "@/components/ProblemAlert";
import { Loading } from "@/components/QueryView";
import { remember } from "@/lib/seen";

/** The command's position from the link, when it is one. */
function positionParam(text: string | null): number | undefined {
  const position = Number(text ?? "");
  return text && Number.isSafeInteger(position) && position >= 0 ? position : undefined;
}

function OrderDetail() {
  const params = useSearchParams();
  const router = useRouter();
  const orderId = params.get("id") ?? "";
  const position = positionParam(params.get("position"));
  const correlationId = params.get("correlation");
  const { settled, pending } = useSettledOrder(orderId, position);

  if (settled.status === "error") return <ProblemAlert error={settled.error} onRetry={settled.reload} />;
  const order = settled.status === "success" ? settled.data : pending;
  if (!order) return <Loading what="your order" />;
  const cancellable = settled.status === "success" && (order.status === "pending" || order.status === "confirmed");

  return (
    <div className="flex flex-col gap-4">
      <OrderView order={order} />
      <div className="flex flex-wrap items-start justify-between gap-4">
        {cancellable && (
          <CancelOrder
            orderId={orderId}
            onCancelled={(accepted) => {
              remember(accepted.position);
              router.replace(orderHref({ ...accepted, correlation_id: correlationId ?? undefined }));
            }}
          />
        )}
        <AdminOrderLinks orderId={orderId} correlationId={correlationId} />
      </div>
    </div>
  );
}

export default function OrderPage() {
  return (
    <>
      <Link href="/orders/" className="mb-4 inline-block text-sm text-brand-700 hover:underline">
        ← My orders
      </Link>
      <Gate>
        <Suspense fallback={<Loading what="your order" />}>
          <OrderDetail />
        </Suspense>
      </Gate>
    </>
  );
}
