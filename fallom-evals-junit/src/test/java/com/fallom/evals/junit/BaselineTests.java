package com.fallom.evals.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fallom.evals.stats.Gate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BaselineTests {

	@TempDir
	Path temp;

	@Test
	void aWrittenBaselineReadsBack() {
		Baseline baseline = new Baseline("support", "mock-judge",
				Map.of("refund", Map.of("answer_relevancy", 0.75, "toxicity", 1.0)));
		Path file = this.temp.resolve("evals/support-baseline.json");
		baseline.write(file);
		assertThat(Baseline.read(file)).isEqualTo(baseline);
	}

	@Test
	void aBrokenBaselineFileIsNamedWithWhy() throws Exception {
		Path notJson = Files.writeString(this.temp.resolve("a.json"), "{\"cases\": ");
		assertThatIllegalArgumentException().isThrownBy(() -> Baseline.read(notJson))
			.withMessageStartingWith("Baseline " + notJson + " cannot be read: ");
		Path noCases = Files.writeString(this.temp.resolve("b.json"), "{\"suite\": \"s\"}");
		assertThatIllegalArgumentException().isThrownBy(() -> Baseline.read(noCases))
			.withMessage("Baseline " + noCases + " has no \"cases\" object");
		Path text = Files.writeString(this.temp.resolve("c.json"), "{\"cases\": {\"refund\": {\"toxicity\": \"high\"}}}");
		assertThatIllegalArgumentException().isThrownBy(() -> Baseline.read(text))
			.withMessage("Baseline " + text + " case 'refund' metric 'toxicity' is not a number");
	}

	@Test
	void aComparisonCoversOnlyTheSharedCases() {
		Baseline before = new Baseline("s", null, Map.of("a", Map.of("m", 0.9), "b", Map.of("m", 0.8)));
		Baseline after = new Baseline("s", null, Map.of("a", Map.of("m", 0.9), "c", Map.of("m", 0.1)));
		assertThat(before.missingCases(after)).containsExactly("c");
		assertThat(before.compare(after, List.of("m"), Gate.DEFAULT).get(0).shared()).isEqualTo(1);
	}

	@Test
	void aGateOutOfRangeIsNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> Gate.DEFAULT.withMaxDrop(-0.1))
			.withMessage("Gate maxDrop must be in [0.0, 1.0], was -0.1");
		assertThatIllegalArgumentException().isThrownBy(() -> Gate.DEFAULT.withAlpha(0))
			.withMessageStartingWith("Gate alpha must be in");
		assertThatIllegalArgumentException().isThrownBy(() -> PassRule.passRate(0))
			.withMessage("Pass rate must be in (0, 1], was 0.0");
	}

}
