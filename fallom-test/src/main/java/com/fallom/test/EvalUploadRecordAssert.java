package com.fallom.test;

import java.util.Objects;

import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on an {@link EvalUploadRecord}.
 */
public class EvalUploadRecordAssert extends AbstractAssert<EvalUploadRecordAssert, EvalUploadRecord> {

	EvalUploadRecordAssert(EvalUploadRecord actual) {
		super(actual, EvalUploadRecordAssert.class);
	}

	/**
	 * Verify the run name.
	 * @param name the expected name
	 * @return this
	 */
	public EvalUploadRecordAssert hasName(String name) {
		if (!Objects.equals(this.actual.name(), name)) {
			failWithMessage("Expected eval upload named <%s> but it was <%s>", name, this.actual.name());
		}
		return this;
	}

	/**
	 * Verify the number of results.
	 * @param count the expected number
	 * @return this
	 */
	public EvalUploadRecordAssert hasResultCount(int count) {
		if (this.actual.results().size() != count) {
			failWithMessage("Expected eval upload <%s> to have %s results but it had %s", this.actual.name(), count,
					this.actual.results().size());
		}
		return this;
	}

	/**
	 * Verify the judge model.
	 * @param judgeModel the expected judge model
	 * @return this
	 */
	public EvalUploadRecordAssert hasJudgeModel(String judgeModel) {
		if (!Objects.equals(this.actual.judgeModel(), judgeModel)) {
			failWithMessage("Expected eval upload <%s> to have judge model <%s> but it had <%s>", this.actual.name(),
					judgeModel, this.actual.judgeModel());
		}
		return this;
	}

	/**
	 * Verify a result's uploaded score.
	 * @param index the result's index
	 * @param metric the metric column
	 * @param score the expected score
	 * @return this
	 */
	public EvalUploadRecordAssert hasScore(int index, String metric, double score) {
		Double actualScore = this.actual.score(index, metric);
		if (actualScore == null || Double.compare(actualScore, score) != 0) {
			failWithMessage("Expected result %s of eval upload <%s> to score %s on %s but it was %s", index,
					this.actual.name(), score, metric, actualScore);
		}
		return this;
	}

}
