import { z } from "zod";
import { tool } from "../../src/index.js";

/**
 * The host tool `refund` that `examples.agents.orders` calls on `refund <id>`: it needs approval,
 * and `refunded` lists the ids it really ran for (what the approval tests count).
 */
export function recordingRefund() {
  const refunded: string[] = [];
  const refund = tool({
    description: "Refund an order",
    inputSchema: z.object({ id: z.string() }),
    needsApproval: true,
    execute: async ({ id }) => {
      refunded.push(id);
      return { id, refunded: 99.5 };
    },
  });
  return { refund, refunded };
}
