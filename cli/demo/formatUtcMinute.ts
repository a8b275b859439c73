/** An epoch-ms instant as `YYYY-MM-DD HH:MM` (UTC), the demo's and backtest's alert lines and table. */
export const formatUtcMinute = (t: number): string => new Date(t).toISOString().slice(0, 16).replace("T", " ");
