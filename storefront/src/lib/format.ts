const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export const formatMoney = (cents: number) => money.format(cents / 100);

const time = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium" });

export const formatTime = (iso: string) => time.format(new Date(iso));

export const formatMs = (ms: number) => (ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`);

export const shortId = (id: string) => id.slice(0, 8);

const clock = new Intl.DateTimeFormat("en-US", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hourCycle: "h23",
});

/** The time of day to the millisecond, as spans and log lines need it: 14:05:09.231. */
export const formatClock = (iso: string) => clock.format(new Date(iso));
