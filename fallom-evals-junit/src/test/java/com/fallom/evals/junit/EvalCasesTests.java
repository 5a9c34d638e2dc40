package com.fallom.evals.junit;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EvalCasesTests {

	@Test
	void readsJsonLinesFromTheClasspath() {
		List<EvalCase> cases = EvalCases.load("classpath:evals/support.jsonl");
		assertThat(cases).extracting(EvalCase::id).containsExactly("reset-password", "refund", "plans");
		assertThat(cases.get(1).expectedOutput()).isEqualTo("Refunds within 30 days.");
		assertThat(cases.get(2).tags()).containsExactly("billing");
		assertThat(cases.get(2).metadata()).containsEntry("priority", "high");
	}

	@Test
	void readsCsvWithQuotedCellsAcrossLines() {
		List<EvalCase> cases = EvalCases.load("classpath:evals/support.csv");
		assertThat(cases).extracting(EvalCase::id).containsExactly("reset-password", "refund");
		assertThat(cases.get(1).input()).isEqualTo("Can I get a refund,\nplease?");
		assertThat(cases.get(1).expectedOutput()).isEqualTo("Refunds within \"30\" days.");
		assertThat(cases.get(1).tags()).containsExactly("billing", "priority");
		assertThat(cases.get(0).expectedOutput()).isNull();
	}

	@Test
	void readsAJsonArrayNamingCasesWithoutAnId() {
		List<EvalCase> cases = EvalCases.load("classpath:evals/support.json");
		assertThat(cases).extracting(EvalCase::id).containsExactly("case-1", "refund");
		assertThat(cases.get(1).context()).containsExactly("Refunds within 30 days.");
	}

	@Test
	void aLineThatIsNotJsonIsNamedWithWhy() {
		assertThatExceptionOfType(EvalDatasetException.class)
			.isThrownBy(() -> EvalCases.parse("support.jsonl", "{\"input\": \"a\"}\n{\"input\": \"b\",\n"))
			.withMessageStartingWith("support.jsonl line 2 is not JSON: ");
		assertThatExceptionOfType(EvalDatasetException.class)
			.isThrownBy(() -> EvalCases.parse("support.json", "[\n{\"input\": \"a\"},\n{\"input\" \"b\"}\n]"))
			.withMessageStartingWith("support.json line 3 is not JSON: ");
		assertThatExceptionOfType(EvalDatasetException.class)
			.isThrownBy(() -> EvalCases.parse("support.csv", "id,input\na,\"never closed\n"))
			.withMessage("support.csv line 2 has a quote that is never closed");
		assertThatExceptionOfType(EvalDatasetException.class)
			.isThrownBy(() -> EvalCases.parse("support.csv", "id,input\na,b,c\n"))
			.withMessage("support.csv line 2 has 3 cells, the header 2");
	}

	@Test
	void aCaseWithoutInputIsNamed() {
		assertThatExceptionOfType(EvalDatasetException.class)
			.isThrownBy(() -> EvalCases.parse("support.jsonl", "{\"input\": \"a\"}\n{\"id\": \"refund\"}\n"))
			.withMessage("support.jsonl line 2 (case 'refund') has no input");
		assertThatExceptionOfType(EvalDatasetException.class)
			.isThrownBy(() -> EvalCases.parse("support.csv", "id,input\nrefund,  \n"))
			.withMessage("support.csv line 2 (case 'refund') has no input");
		assertThatExceptionOfType(EvalDatasetException.class)
			.isThrownBy(() -> EvalCases.parse("support.jsonl", "{\"id\": \"a\", \"input\": \"x\"}\n{\"id\": \"a\", \"input\": \"y\"}"))
			.withMessage("Eval dataset support.jsonl has the case id 'a' twice");
		assertThatExceptionOfType(EvalDatasetException.class)
			.isThrownBy(() -> EvalCases.load("classpath:evals/absent.jsonl"))
			.withMessage("Eval dataset classpath:evals/absent.jsonl is not on the classpath");
	}

}
