package com.fallom.sample.support;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/**
 * The support assistant's one tool: an order-status lookup, so the demo's traces show a
 * tool span beside the chat spans of one agent run.
 */
@Component
public class OrderTools {

	private static final String[] STATUSES = { "packed, leaving the warehouse today", "in transit, due tomorrow",
			"delivered to the parcel locker", "delayed by the carrier, due in two days" };

	@Tool(description = "Look up the status of a customer's order")
	public String orderStatus(@ToolParam(description = "The order number") String orderId) {
		return "Order " + orderId + " is " + STATUSES[Math.floorMod(orderId.hashCode(), STATUSES.length)] + ".";
	}

}
