package com.fallom.evals.internal;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A run's budget: at most so many calls, at most so many dollars. Once spent, no call
 * starts; calls already under way finish, so the dollars may end slightly above the limit.
 */
public final class Budget {

	private final int maxCalls;

	private final double maxCost;

	private int calls;

	private double cost;

	private @Nullable String exhausted;

	/**
	 * Create a budget.
	 * @param maxCalls the most calls, 0 for no limit
	 * @param maxCost the most dollars, 0 for no limit
	 */
	public Budget(int maxCalls, double maxCost) {
		this.maxCalls = maxCalls;
		this.maxCost = maxCost;
	}

	/**
	 * Take one call from the budget.
	 * @return whether the call may be made
	 */
	public synchronized boolean tryCall() {
		if (this.exhausted != null) {
			return false;
		}
		if (this.maxCalls > 0 && this.calls >= this.maxCalls) {
			this.exhausted = "budget of " + this.maxCalls + " calls spent";
			return false;
		}
		if (this.maxCost > 0 && this.cost >= this.maxCost) {
			this.exhausted = String.format(Locale.ROOT, "budget of $%.4f spent ($%.4f)", this.maxCost, this.cost);
			return false;
		}
		this.calls++;
		return true;
	}

	/**
	 * Add the cost of a reply.
	 * @param dollars the cost, or {@code null} when unknown
	 */
	public synchronized void addCost(@Nullable Double dollars) {
		if (dollars != null && Double.isFinite(dollars) && dollars > 0) {
			this.cost += dollars;
		}
	}

	/** @return the dollars spent */
	public synchronized double cost() {
		return this.cost;
	}

	/** @return why the budget stopped the run, or {@code null} */
	public synchronized @Nullable String exhausted() {
		return this.exhausted;
	}

}
