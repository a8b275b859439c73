import type { DeliveryQueue } from "../../runtime/notify/deliveryQueue";

/** A DeliveryQueue that keeps what was parked and postponed; `parkFails` makes the dead-letter queue refuse. */
export class RecordingDeliveryQueue implements DeliveryQueue {
  readonly parked: { body: string; attributes: Readonly<Record<string, string>> }[] = [];
  readonly postponed: { receiptHandle: string; seconds: number }[] = [];
  parkFails = false;

  async park(body: string, attributes: Readonly<Record<string, string>>): Promise<void> {
    if (this.parkFails) throw new Error("dead-letter queue unavailable");
    this.parked.push({ body, attributes });
  }

  async postpone(receiptHandle: string, seconds: number): Promise<void> {
    this.postponed.push({ receiptHandle, seconds });
  }
}
