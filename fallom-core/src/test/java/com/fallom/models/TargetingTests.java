package com.fallom.models;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fallom.models.internal.ConfigParser;
import com.fallom.session.FallomCustomerContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for targeting through {@link FallomModels}: each operator, each way a match falls
 * through to the hash, and the order of evaluation.
 */
class TargetingTests {

	// Two variants that the hash never picks for the test sessions (weight 0 and 100
	// put every bucket on "hashed"), so any other model came from targeting.
	private static final String VARIANTS = """
			[{"model": "hashed", "weight": 100}, {"model": "targeted", "weight": 0}, {"model": "other", "weight": 0}]""";

	@AfterEach
	void clearSession() {
		FallomSessionHolder.clearAll();
	}

	private static FallomModels models(String targeting) {
		String json = "{\"key\": \"k\", \"version\": 3, \"variants\": " + VARIANTS + ", \"targeting\": " + targeting
				+ "}";
		ModelConfig config = ConfigParser.parseConfig(json.getBytes(StandardCharsets.UTF_8), ConfigOrigin.FETCHED);
		ModelConfigRegistry registry = new ModelConfigRegistry(List.of(), null);
		registry.applyFetched(Map.of("k", config), Instant.now());
		return new FallomModels(registry, null, null, List.of());
	}

	private static FallomModels rule(String operator, String valueJson) {
		return models("{\"rules\": [{\"conditions\": [{\"field\": \"plan\", \"operator\": \"" + operator
				+ "\", \"value\": " + valueJson + "}], \"variantIndex\": 1}]}");
	}

	private static String plan(FallomModels models, String plan) {
		return models.get("k", "s-1", ModelOptions.context(Map.of("plan", plan)));
	}

	@Test
	void eqMatchesEqualStringsOnly() {
		FallomModels models = rule("eq", "\"enterprise\"");
		assertThat(plan(models, "enterprise")).isEqualTo("targeted");
		assertThat(plan(models, "Enterprise")).isEqualTo("hashed");
	}

	@Test
	void neqMatchesOtherStringsAndValuesOfAnotherType() {
		assertThat(plan(rule("neq", "\"free\""), "pro")).isEqualTo("targeted");
		assertThat(plan(rule("neq", "\"free\""), "free")).isEqualTo("hashed");
		// 5 never equals the string "5", so it is not equal, as in Python.
		assertThat(plan(rule("neq", "5"), "5")).isEqualTo("targeted");
	}

	@Test
	void inMatchesMembersOfAListOnly() {
		FallomModels models = rule("in", "[\"pro\", \"team\", 5]");
		assertThat(plan(models, "team")).isEqualTo("targeted");
		assertThat(plan(models, "free")).isEqualTo("hashed");
		assertThat(plan(models, "5")).isEqualTo("hashed");
		assertThat(plan(rule("in", "\"pro\""), "pro")).as("a string is not a list").isEqualTo("hashed");
	}

	@Test
	void ninMatchesNonMembersOfAListOnly() {
		FallomModels models = rule("nin", "[\"free\"]");
		assertThat(plan(models, "pro")).isEqualTo("targeted");
		assertThat(plan(models, "free")).isEqualTo("hashed");
		assertThat(plan(rule("nin", "\"free\""), "pro")).as("a string is not a list").isEqualTo("hashed");
	}

	@Test
	void containsMatchesSubstringsOfAStringValueOnly() {
		assertThat(plan(rule("contains", "\"beta\""), "alphabetagamma")).isEqualTo("targeted");
		assertThat(plan(rule("contains", "\"beta\""), "alpha")).isEqualTo("hashed");
		assertThat(plan(rule("contains", "[\"beta\"]"), "beta")).as("a list is not a string").isEqualTo("hashed");
	}

	@Test
	void startsWithMatchesPrefixesOfAStringValueOnly() {
		assertThat(plan(rule("startsWith", "\"eu-\""), "eu-west")).isEqualTo("targeted");
		assertThat(plan(rule("startsWith", "\"eu-\""), "us-east")).isEqualTo("hashed");
		assertThat(plan(rule("startsWith", "1"), "1x")).isEqualTo("hashed");
	}

	@Test
	void endsWithMatchesSuffixesOfAStringValueOnly() {
		assertThat(plan(rule("endsWith", "\"@acme.io\""), "cto@acme.io")).isEqualTo("targeted");
		assertThat(plan(rule("endsWith", "\"@acme.io\""), "cto@acme.com")).isEqualTo("hashed");
		assertThat(plan(rule("endsWith", "true"), "true")).isEqualTo("hashed");
	}

	@Test
	void unknownOperatorNeverMatches() {
		assertThat(plan(rule("bogus", "\"pro\""), "pro")).isEqualTo("hashed");
		assertThat(plan(rule("EQ", "\"pro\""), "pro")).as("operators are case-sensitive").isEqualTo("hashed");
	}

	@Test
	void eqNeverMatchesAValueOfAnotherJsonType() {
		assertThat(plan(rule("eq", "5"), "5")).isEqualTo("hashed");
		assertThat(plan(rule("eq", "null"), "null")).isEqualTo("hashed");
		assertThat(plan(rule("eq", "true"), "true")).isEqualTo("hashed");
	}

	@Test
	void absentFieldFailsWhateverTheOperator() {
		for (String operator : List.of("eq", "neq", "in", "nin", "contains", "startsWith", "endsWith")) {
			String value = operator.endsWith("in") ? "[\"x\"]" : "\"x\"";
			FallomModels models = rule(operator, value);
			assertThat(models.get("k", "s-1", ModelOptions.context(Map.of("region", "eu")))).as(operator)
				.isEqualTo("hashed");
		}
	}

	@Test
	void ruleMatchesOnlyWhenAllConditionsHold() {
		FallomModels models = models("""
				{"rules": [{"conditions": [{"field": "plan", "operator": "eq", "value": "pro"},
				  {"field": "region", "operator": "startsWith", "value": "eu-"}], "variantIndex": 1}]}""");
		assertThat(models.get("k", "s", ModelOptions.context(Map.of("plan", "pro", "region", "eu-west"))))
			.isEqualTo("targeted");
		assertThat(models.get("k", "s", ModelOptions.context(Map.of("plan", "pro", "region", "us-east"))))
			.isEqualTo("hashed");
		assertThat(models.get("k", "s", ModelOptions.context(Map.of("plan", "pro")))).isEqualTo("hashed");
	}

	@Test
	void ruleWithoutConditionsMatchesEveryone() {
		FallomModels models = models("{\"rules\": [{\"conditions\": [], \"variantIndex\": 2}]}");
		assertThat(models.get("k", "anyone")).isEqualTo("other");
		ModelAssignment assignment = models.assign("k", "anyone");
		assertThat(assignment.reason()).isEqualTo(AssignmentReason.RULE);
		assertThat(assignment.targetingIndex()).isZero();
	}

	@Test
	void firstMatchingRuleWinsAndAssignmentNamesIt() {
		FallomModels models = models("""
				{"rules": [{"conditions": [{"field": "plan", "operator": "eq", "value": "free"}], "variantIndex": 2},
				  {"conditions": [{"field": "plan", "operator": "eq", "value": "pro"}], "variantIndex": 1},
				  {"conditions": [], "variantIndex": 2}]}""");
		ModelAssignment assignment = models.assign("k", "s", ModelOptions.context(Map.of("plan", "pro")));
		assertThat(assignment.model()).isEqualTo("targeted");
		assertThat(assignment.variantIndex()).isEqualTo(1);
		assertThat(assignment.reason()).isEqualTo(AssignmentReason.RULE);
		assertThat(assignment.targetingIndex()).isEqualTo(1);
		assertThat(assignment.isTargeted()).isTrue();
		assertThat(assignment.configVersion()).isEqualTo(3);
	}

	@Test
	void individualTargetsComeBeforeRulesAndTheFirstInOrderWins() {
		FallomModels models = models("""
				{"individualTargets": [{"field": "email", "value": "cto@example.com", "variantIndex": 2},
				  {"field": "customerId", "value": "vip-1", "variantIndex": 1}],
				 "rules": [{"conditions": [], "variantIndex": 0}]}""");
		ModelAssignment vip = models.assign("k", "s", ModelOptions.customerId("vip-1"));
		assertThat(vip.model()).isEqualTo("targeted");
		assertThat(vip.reason()).isEqualTo(AssignmentReason.INDIVIDUAL_TARGET);
		assertThat(vip.targetingIndex()).isEqualTo(1);
		ModelAssignment both = models.assign("k", "s",
				ModelOptions.customerId("vip-1").withContext(Map.of("email", "cto@example.com")));
		assertThat(both.model()).isEqualTo("other");
		assertThat(both.targetingIndex()).isZero();
		assertThat(models.assign("k", "s-2").reason()).isEqualTo(AssignmentReason.RULE);
	}

	@Test
	void customerIdOverridesAContextEntryOfThatName() {
		FallomModels models = models(
				"{\"individualTargets\": [{\"field\": \"customerId\", \"value\": \"vip-1\", \"variantIndex\": 1}]}");
		assertThat(models.get("k", "s", ModelOptions.context(Map.of("customerId", "vip-1")))).isEqualTo("targeted");
		assertThat(models.get("k", "s-2", ModelOptions.customerId("other").withContext(Map.of("customerId", "vip-1"))))
			.isEqualTo("hashed");
		assertThat(models.get("k", "s-3", ModelOptions.customerId("  ").withContext(Map.of("customerId", "vip-1"))))
			.as("a blank customer id is none").isEqualTo("targeted");
	}

	@Test
	void targetValueOfAnotherJsonTypeNeverMatches() {
		FallomModels models = models(
				"{\"individualTargets\": [{\"field\": \"seats\", \"value\": 5, \"variantIndex\": 1}]}");
		assertThat(models.get("k", "s", ModelOptions.context(Map.of("seats", "5")))).isEqualTo("hashed");
	}

	@Test
	void individualTargetWithOutOfRangeIndexFallsThroughToTheHashNotToRules() {
		FallomModels models = models("""
				{"individualTargets": [{"field": "customerId", "value": "vip-1", "variantIndex": 3}],
				 "rules": [{"conditions": [], "variantIndex": 1}]}""");
		ModelAssignment assignment = models.assign("k", "s", ModelOptions.customerId("vip-1"));
		assertThat(assignment.model()).isEqualTo("hashed");
		assertThat(assignment.reason()).isEqualTo(AssignmentReason.HASH);
		assertThat(assignment.targetingIndex()).isEqualTo(-1);
		assertThat(models.get("k", "s", ModelOptions.customerId("someone"))).isEqualTo("targeted");
	}

	@Test
	void ruleWithOutOfRangeIndexFallsThroughToTheHash() {
		FallomModels models = models("""
				{"rules": [{"conditions": [], "variantIndex": 9}, {"conditions": [], "variantIndex": 1}]}""");
		assertThat(models.assign("k", "s").reason()).isEqualTo(AssignmentReason.HASH);
		assertThat(models.get("k", "s")).isEqualTo("hashed");
	}

	@Test
	void negativeIndexFallsThroughToTheHash() {
		FallomModels models = models("{\"rules\": [{\"conditions\": [], \"variantIndex\": -1}]}");
		assertThat(models.assign("k", "s").reason()).isEqualTo(AssignmentReason.HASH);
		assertThat(models.get("k", "s")).isEqualTo("hashed");
	}

	@Test
	void disabledOrNullTargetingMeansNone() {
		String everyone = "\"rules\": [{\"conditions\": [], \"variantIndex\": 1}]";
		assertThat(models("{\"enabled\": false, " + everyone + "}").get("k", "s")).isEqualTo("hashed");
		assertThat(models("null").get("k", "s")).isEqualTo("hashed");
		assertThat(models("{\"enabled\": true, " + everyone + "}").get("k", "s")).isEqualTo("targeted");
		assertThat(models("{" + everyone + "}").get("k", "s")).as("enabled when absent").isEqualTo("targeted");
	}

	@Test
	void customerIdOfTheCurrentSessionIsUsedForTheSameSessionOnly() {
		FallomModels models = models(
				"{\"individualTargets\": [{\"field\": \"customerId\", \"value\": \"vip-1\", \"variantIndex\": 1}]}");
		FallomSessionHolder.set(new FallomSessionContext("web", "s-1", "vip-1"));
		assertThat(models.get("k", "s-1")).isEqualTo("targeted");
		assertThat(FallomSessionHolder.get().customerId()).isEqualTo("vip-1");
		assertThat(FallomSessionHolder.get().configKey()).isEqualTo("k");
		assertThat(models.get("k", "s-2")).as("another session: not this customer").isEqualTo("hashed");
		assertThat(FallomSessionHolder.get().customerId()).isNull();
	}

	@Test
	void customerIdOfTheCallIsSetOnTheSession() {
		FallomModels models = models("null");
		models.get("k", "s-1", ModelOptions.customerId("c-9"));
		assertThat(FallomSessionHolder.get().customerId()).isEqualTo("c-9");
	}

	@Test
	void targetingContextOfTheCurrentSessionIsUsedForTheSameSessionOnly() {
		FallomModels models = rule("eq", "\"enterprise\"");
		FallomSessionHolder
			.set(new FallomSessionContext("web", "s-1").withTargetingContext(Map.of("plan", "enterprise")));
		assertThat(models.get("k", "s-1")).isEqualTo("targeted");
		assertThat(FallomSessionHolder.get().targetingContext()).as("kept with the assignment")
			.containsExactly(Map.entry("plan", "enterprise"));
		assertThat(models.get("k", "s-1")).as("after the assignment replaced the context").isEqualTo("targeted");
		assertThat(models.get("k", "s-2")).as("another session: not this context").isEqualTo("hashed");
		assertThat(FallomSessionHolder.get().targetingContext()).isEmpty();
	}

	@Test
	void contextOfTheCallOverridesFieldsOfTheSessionContext() {
		FallomModels models = models("{\"rules\": [{\"conditions\": [{\"field\": \"plan\", \"operator\": \"eq\", "
				+ "\"value\": \"enterprise\"}, {\"field\": \"region\", \"operator\": \"startsWith\", "
				+ "\"value\": \"eu-\"}], \"variantIndex\": 1}]}");
		FallomSessionHolder.set(new FallomSessionContext("web", "s-1")
			.withTargetingContext(Map.of("plan", "free", "region", "eu-west")));
		assertThat(models.get("k", "s-1")).isEqualTo("hashed");
		assertThat(models.get("k", "s-1", ModelOptions.context(Map.of("plan", "enterprise"))))
			.as("the call's plan with the session's region")
			.isEqualTo("targeted");
		assertThat(FallomSessionHolder.get().targetingContext()).as("the session's own fields are unchanged")
			.containsEntry("plan", "free");
	}

	@Test
	void customerOfARequestWithoutASessionIsUsedForEverySessionItStarts() {
		FallomModels models = models("{\"individualTargets\": [{\"field\": \"customerId\", \"value\": \"vip-1\", "
				+ "\"variantIndex\": 1}], \"rules\": [{\"conditions\": [{\"field\": \"plan\", \"operator\": \"eq\", "
				+ "\"value\": \"enterprise\"}], \"variantIndex\": 2}]}");
		FallomSessionHolder.setCustomer(new FallomCustomerContext("vip-1", Map.of()));
		assertThat(models.get("k", "s-1")).isEqualTo("targeted");
		assertThat(FallomSessionHolder.get().customerId()).as("the session it started").isEqualTo("vip-1");
		assertThat(models.get("k", "s-2")).isEqualTo("targeted");
		assertThat(models.get("k", "s-3", ModelOptions.customerId("someone"))).as("the call's customer wins")
			.isEqualTo("hashed");
		FallomSessionHolder.clearAll();
		FallomSessionHolder.setCustomer(new FallomCustomerContext(null, Map.of("plan", "enterprise")));
		assertThat(models.get("k", "s-4")).isEqualTo("other");
		assertThat(FallomSessionHolder.get().targetingContext()).as("the session it started")
			.containsExactly(Map.entry("plan", "enterprise"));
		assertThat(models.get("k", "s-4")).as("the same session again").isEqualTo("other");
	}

	@Test
	void sessionWithTheSameIdWinsOverTheCustomerOfTheRequest() {
		FallomModels models = models(
				"{\"individualTargets\": [{\"field\": \"customerId\", \"value\": \"vip-1\", \"variantIndex\": 1}]}");
		FallomSessionHolder.setCustomer(new FallomCustomerContext("vip-1", Map.of()));
		FallomSessionHolder.set(new FallomSessionContext("k", "s-1", "someone"));
		assertThat(models.get("k", "s-1")).isEqualTo("hashed");
		assertThat(models.get("k", "s-2")).as("another session: the request's customer").isEqualTo("targeted");
	}

	@Test
	void operatorsAreTheProtocolsSevenByTheirSentNames() {
		assertThat(ModelTargeting.OPERATORS).containsExactly("eq", "neq", "in", "nin", "contains", "startsWith",
				"endsWith");
		assertThat(ModelTargeting.LIST_OPERATORS).containsExactly("in", "nin");
	}

	@Test
	void contextIsCopied() {
		HashMap<String, String> context = new HashMap<>(Map.of("plan", "pro"));
		ModelOptions options = ModelOptions.context(context);
		context.put("plan", "free");
		assertThat(options.getContext()).containsExactly(Map.entry("plan", "pro"));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> options.getContext().put("x", "y"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ModelOptions.context(Collections.singletonMap("plan", null)));
	}

}
