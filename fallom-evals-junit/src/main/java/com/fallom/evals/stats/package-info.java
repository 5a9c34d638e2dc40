/**
 * Statistics of eval runs, in plain Java and deterministic (no random numbers, so CI gets the
 * same verdict twice): the Wilcoxon signed-rank test, a mean with its 95 % interval, and the
 * paired comparison of a run with a baseline that gates a change.
 */
@NullMarked
package com.fallom.evals.stats;

import org.jspecify.annotations.NullMarked;
