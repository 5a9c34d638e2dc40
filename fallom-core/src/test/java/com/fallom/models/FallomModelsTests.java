package com.fallom.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fallom.CapturedLogs;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FallomModels} without a backend.
 */
@ExtendWith(CapturedLogs.Extension.class)
class FallomModelsTests {

	private final List<String> assignments = new ArrayList<>();

	private final FallomModels models = new FallomModels(
			new ModelConfigRegistry(List.of(new ModelConfig("support", 3,
					List.of(new ModelVariant("gpt-4o", 50), new ModelVariant("claude-3-5-sonnet", 50)),
					ConfigOrigin.BOOTSTRAP)), null),
			null, null, List.of((key, model, version, source) -> this.assignments
				.add(key + "/" + model + "/" + version + "/" + source)));

	@AfterEach
	void clearSession() {
		FallomSessionHolder.clear();
	}

	@Test
	void sameSessionAlwaysGetsTheSameModel() {
		String first = this.models.get("support", "user-1");
		for (int i = 0; i < 100; i++) {
			assertThat(this.models.get("support", "user-1")).isEqualTo(first);
		}
	}

	@Test
	void assignReturnsTheWholeAssignment() {
		ModelAssignment assignment = this.models.assign("support", "user24204-convo67097");
		assertThat(assignment).isEqualTo(new ModelAssignment("support", "gpt-4o", 3, 0, AssignmentSource.BOOTSTRAP));
		assertThat(this.assignments).containsExactly("support/gpt-4o/3/BOOTSTRAP");
	}

	@Test
	void unknownConfigWithoutFallbackThrowsNamingTheKey() {
		assertThatExceptionOfType(ConfigNotFoundException.class).isThrownBy(() -> this.models.get("nope", "s1"))
			.withMessage("Config 'nope' not found")
			.satisfies((ex) -> assertThat(ex.getConfigKey()).isEqualTo("nope"));
	}

	@Test
	void unknownConfigWithFallbackReturnsFallbackAndLogsOncePerKey(CapturedLogs output) {
		for (int i = 0; i < 5; i++) {
			assertThat(this.models.get("nope", "s" + i, "gpt-4o-mini")).isEqualTo("gpt-4o-mini");
		}
		ModelAssignment assignment = this.models.assign("nope", "s1", ModelOptions.fallback("gpt-4o-mini"));
		assertThat(assignment.isFallback()).isTrue();
		assertThat(assignment.variantIndex()).isEqualTo(-1);
		assertThat(output.toString().split("Config 'nope' not found", -1)).hasSize(2);
		assertThat(this.assignments).allMatch((line) -> line.equals("nope/gpt-4o-mini/0/FALLBACK")).hasSize(6);
	}

	@Test
	void pinnedVersionOfflineFallsBackOrThrows() {
		assertThat(this.models.get("support", "s1", ModelOptions.version(3))).isIn("gpt-4o", "claude-3-5-sonnet");
		assertThat(this.models.assign("support", "s1", ModelOptions.version(3)).source())
			.isEqualTo(AssignmentSource.PINNED);
		assertThat(this.models.get("support", "s1", ModelOptions.version(2).withFallback("fb"))).isEqualTo("fb");
		assertThatExceptionOfType(ConfigNotFoundException.class)
			.isThrownBy(() -> this.models.get("support", "s1", ModelOptions.version(2)))
			.withMessageContaining("Config 'support' version 2 not found");
	}

	@Test
	void nullOrBlankSessionIdWithoutFallbackThrowsNamingTheProblem() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.models.get("support", ""))
			.withMessageContaining("Session id of config 'support' is blank")
			.withMessageContaining("pass the session id, or a fallback model");
		assertThatIllegalArgumentException().isThrownBy(() -> this.models.get("support", null))
			.withMessageContaining("is null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.models.assign("support", "   "))
			.withMessageContaining("is blank");
		assertThatIllegalArgumentException().isThrownBy(() -> this.models.get(" ", "s1"))
			.withMessageContaining("Config key must not be null or blank");
	}

	@Test
	void nullOrBlankSessionIdWithFallbackReturnsTheFallbackCountedNotRecordedAndLoggedOnce(CapturedLogs logs) {
		assertThat(this.models.get("support", " ", "fb")).isEqualTo("fb");
		assertThat(this.models.get("support", null, "fb")).isEqualTo("fb");
		assertThat(this.models.assign("support", "", ModelOptions.fallback("fb")))
			.isEqualTo(new ModelAssignment("support", "fb", 0, -1, AssignmentSource.FALLBACK));
		assertThat(FallomSessionHolder.get()).as("no session, no context").isNull();
		assertThat(this.assignments).containsExactly("support/fb/0/FALLBACK", "support/fb/0/FALLBACK",
				"support/fb/0/FALLBACK");
		assertThat(logs.count("Session id of config 'support' is")).isEqualTo(1);
	}

	@Test
	void fallbackAfterAnAssignmentLeavesNoAssignmentOnTheContext() {
		this.models.get("support", "s1");
		assertThat(FallomSessionHolder.get().hasAssignment()).isTrue();
		assertThat(this.models.get("support", "s1", ModelOptions.version(9).withFallback("fb"))).isEqualTo("fb");
		FallomSessionContext context = FallomSessionHolder.get();
		assertThat(context.matches("support", "s1")).isTrue();
		assertThat(context.hasAssignment()).isFalse();
		assertThat(context.model()).isNull();
		assertThat(context.configVersion()).isZero();
	}

	@Test
	void getForCurrentSessionAssignsTheThreadsSessionOrFallsBack() {
		assertThat(this.models.getForCurrentSession("support", "fb")).as("no session").isEqualTo("fb");
		FallomSessionHolder.set(new FallomSessionContext("support", "user24204-convo67097"));
		assertThat(this.models.getForCurrentSession("support", "fb")).isEqualTo("gpt-4o");
		assertThat(this.models.getForCurrentSession("unknown", "fb")).as("unknown config").isEqualTo("fb");
		assertThat(this.assignments).containsExactly("support/fb/0/FALLBACK", "support/gpt-4o/3/BOOTSTRAP",
				"unknown/fb/0/FALLBACK");
	}

	@Test
	void getSetsTheSessionContext() {
		FallomSessionHolder.set(new FallomSessionContext("my-agent", "s1"));
		this.models.get("support", "s1");
		FallomSessionContext session = FallomSessionHolder.get();
		assertThat(session.matches("support", "s1")).isTrue();
		assertThat(session.hasAssignment()).isTrue();
		assertThat(session.configVersion()).isEqualTo(3);
		assertThat(session.model()).isEqualTo(this.models.get("support", "s1"));
		assertThat(FallomSessionHolder.get()).isSameAs(session);
		this.models.get("nope", "s2", "fb");
		assertThat(FallomSessionHolder.get()).isEqualTo(new FallomSessionContext("nope", "s2"));
	}

	@Test
	void optionsValidateTheirArguments() {
		assertThatIllegalArgumentException().isThrownBy(() -> ModelOptions.version(0));
		assertThatIllegalArgumentException().isThrownBy(() -> ModelOptions.fallback(" "));
		assertThat(ModelOptions.version(2).withFallback("fb").getVersion()).isEqualTo(2);
		assertThat(ModelOptions.fallback("fb").withVersion(4).getFallback()).isEqualTo("fb");
	}

	@Test
	void keyedVariantsAndStringWeightsAreAssignedInDocumentOrder() {
		ModelConfig config = com.fallom.models.internal.ConfigParser.parseConfig(
				"{\"key\":\"k\",\"variants\":{\"b\":{\"model\":\"second\",\"weight\":\"0\"},\"a\":{\"model\":\"first\",\"weight\":\"100\"}}}"
					.getBytes(),
				ConfigOrigin.FETCHED);
		assertThat(config.getVersion()).isEqualTo(1);
		assertThat(config.getVariants()).extracting(ModelVariant::model).containsExactly("second", "first");
		assertThat(Map.of("k", config).get("k").modelAt(config.variantIndexFor(0))).isEqualTo("first");
	}

}
