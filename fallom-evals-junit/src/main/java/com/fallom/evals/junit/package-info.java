/**
 * Evals as JUnit 5 tests: cases from a JSONL, JSON or CSV file or a Fallom dataset as
 * parameterized-test arguments, score assertions whose failures show the judge's reasoning,
 * repeats with a pass rule, a committed baseline compared with a paired significance test,
 * and Markdown and HTML reports.
 */
@NullMarked
package com.fallom.evals.junit;

import org.jspecify.annotations.NullMarked;
