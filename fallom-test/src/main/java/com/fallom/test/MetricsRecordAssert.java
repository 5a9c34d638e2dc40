package com.fallom.test;

import java.util.Objects;

import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link MetricsRecord}.
 */
public class MetricsRecordAssert extends AbstractAssert<MetricsRecordAssert, MetricsRecord> {

	MetricsRecordAssert(MetricsRecord actual) {
		super(actual, MetricsRecordAssert.class);
	}

	/**
	 * Verify a numeric metric.
	 * @param name the metric name
	 * @param value the expected value
	 * @return this
	 */
	public MetricsRecordAssert hasMetric(String name, double value) {
		Double actualValue = this.actual.number(name);
		if (actualValue == null || Double.compare(actualValue, value) != 0) {
			failWithMessage("Expected metric <%s> to be <%s> but the metrics were %s", name, value, this.actual.data());
		}
		return this;
	}

	/**
	 * Verify a metric of any type, compared as JSON parsed it.
	 * @param name the metric name
	 * @param value the expected value
	 * @return this
	 */
	public MetricsRecordAssert hasMetric(String name, Object value) {
		if (!Objects.equals(this.actual.data().get(name), value)) {
			failWithMessage("Expected metric <%s> to be <%s> but the metrics were %s", name, value, this.actual.data());
		}
		return this;
	}

}
