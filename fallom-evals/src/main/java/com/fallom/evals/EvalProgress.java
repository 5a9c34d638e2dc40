package com.fallom.evals;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Where a run stands: calls done of the calls planned (judge calls and generations), how
 * many failed, what it has cost, and an estimate of the time left.
 *
 * @param done the calls done, answered from the cache included
 * @param total the calls planned
 * @param errors the calls that ended in an error
 * @param cost the dollars spent so far, as far as the replies said
 * @param elapsed the time since the run started
 * @param eta the estimated time left, or {@code null} before the first call ends
 */
public record EvalProgress(int done, int total, int errors, double cost, Duration elapsed, @Nullable Duration eta) {

}
