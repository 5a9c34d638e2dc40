package com.fallom.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fallom.internal.Arguments;
import org.jspecify.annotations.Nullable;

/**
 * The targeting of a model config: individual targets (a context field equal to a value)
 * and rules (every condition true), each pinning matching sessions to one variant, as the
 * Python and TypeScript SDKs evaluate them. Immutable; compiled once, when the config is
 * synced, into arrays and hash lookups so that evaluation allocates nothing.
 * <p>
 * The evaluation context is the caller's context with {@code customerId} set to the
 * customer id when there is one. Individual targets are tried first, in order, then rules,
 * in order; the first match decides. A match whose variant index is not a variant of the
 * config falls through to the weighted hash.
 */
public final class ModelTargeting {

	/** The context field that the customer id of a call fills. */
	public static final String CUSTOMER_ID_FIELD = "customerId";

	/**
	 * The operators a condition can have, by the names the backend sends; a condition
	 * with any other never matches.
	 */
	public static final List<String> OPERATORS = Arrays.stream(Operator.values())
		.filter((operator) -> operator.sentName != null)
		.map((operator) -> operator.sentName)
		.toList();

	/**
	 * The operators whose value is a list of strings; the others compare with one string.
	 */
	public static final List<String> LIST_OPERATORS = Arrays.stream(Operator.values())
		.filter(Operator::takesList)
		.map((operator) -> operator.sentName)
		.toList();

	/** What {@link #match} returns when nothing matches. */
	static final int NO_MATCH = -1;

	private final boolean enabled;

	private final List<IndividualTarget> individualTargets;

	private final List<Rule> rules;

	// Individual targets, indexed: per distinct field, value -> position of the first
	// target with that field and value; the lowest matching position wins.
	private final String[] targetFields;

	private final boolean[] targetFieldIsCustomerId;

	private final Map<String, Integer>[] targetPositions;

	private final int[] targetVariants;

	private final CompiledCondition[][] ruleConditions;

	private final int[] ruleVariants;

	private ModelTargeting(boolean enabled, List<IndividualTarget> individualTargets, List<Rule> rules) {
		this.enabled = enabled;
		this.individualTargets = List.copyOf(individualTargets);
		this.rules = List.copyOf(rules);
		Map<String, Map<String, Integer>> byField = new LinkedHashMap<>();
		this.targetVariants = new int[this.individualTargets.size()];
		for (int i = 0; i < this.targetVariants.length; i++) {
			IndividualTarget target = this.individualTargets.get(i);
			this.targetVariants[i] = target.variantIndex();
			Map<String, Integer> positions = byField.computeIfAbsent(target.field(), (field) -> new HashMap<>());
			// A context value is a string: a target of another JSON type never matches.
			if (target.value() instanceof String value) {
				positions.putIfAbsent(value, i);
			}
		}
		this.targetFields = byField.keySet().toArray(String[]::new);
		this.targetFieldIsCustomerId = new boolean[this.targetFields.length];
		@SuppressWarnings("unchecked")
		Map<String, Integer>[] positions = new Map[this.targetFields.length];
		for (int i = 0; i < this.targetFields.length; i++) {
			this.targetFieldIsCustomerId[i] = CUSTOMER_ID_FIELD.equals(this.targetFields[i]);
			positions[i] = Map.copyOf(byField.get(this.targetFields[i]));
		}
		this.targetPositions = positions;
		this.ruleConditions = new CompiledCondition[this.rules.size()][];
		this.ruleVariants = new int[this.rules.size()];
		for (int i = 0; i < this.ruleVariants.length; i++) {
			Rule rule = this.rules.get(i);
			this.ruleVariants[i] = rule.variantIndex();
			this.ruleConditions[i] = rule.conditions().stream().map(CompiledCondition::new)
				.toArray(CompiledCondition[]::new);
		}
	}

	/**
	 * Create enabled targeting.
	 * @param individualTargets the individual targets, in order
	 * @param rules the rules, in order
	 * @return the targeting
	 */
	public static ModelTargeting of(List<IndividualTarget> individualTargets, List<Rule> rules) {
		return of(true, individualTargets, rules);
	}

	/**
	 * Create targeting.
	 * @param enabled whether it applies; disabled targeting matches nothing but is kept
	 * @param individualTargets the individual targets, in order
	 * @param rules the rules, in order
	 * @return the targeting
	 */
	public static ModelTargeting of(boolean enabled, List<IndividualTarget> individualTargets, List<Rule> rules) {
		Arguments.notNull(individualTargets, "'individualTargets' must not be null");
		Arguments.notNull(rules, "'rules' must not be null");
		return new ModelTargeting(enabled, individualTargets, rules);
	}

	/**
	 * Whether the targeting applies; {@code "enabled": false} keeps it but matches
	 * nothing.
	 * @return whether it is enabled
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	public List<IndividualTarget> getIndividualTargets() {
		return this.individualTargets;
	}

	public List<Rule> getRules() {
		return this.rules;
	}

	/**
	 * Find the first individual target, else the first rule, that matches. Allocates
	 * nothing.
	 * @param customerId the customer id, or {@code null}
	 * @param context the caller's context
	 * @return {@link #NO_MATCH}, or the match: {@code position * 2} for an individual
	 * target, {@code position * 2 + 1} for a rule
	 */
	int match(@Nullable String customerId, Map<String, String> context) {
		if (!this.enabled) {
			return NO_MATCH;
		}
		int first = Integer.MAX_VALUE;
		for (int i = 0; i < this.targetFields.length; i++) {
			String value = valueOf(this.targetFields[i], this.targetFieldIsCustomerId[i], customerId, context);
			if (value != null) {
				Integer position = this.targetPositions[i].get(value);
				if (position != null && position < first) {
					first = position;
				}
			}
		}
		if (first != Integer.MAX_VALUE) {
			return first * 2;
		}
		CompiledCondition[][] rules = this.ruleConditions;
		for (int i = 0; i < rules.length; i++) {
			if (matchesAll(rules[i], customerId, context)) {
				return i * 2 + 1;
			}
		}
		return NO_MATCH;
	}

	/**
	 * Return the variant index that a match names, as written in the config (possibly
	 * out of range).
	 * @param match a match from {@link #match}
	 * @return the variant index
	 */
	int variantIndexOf(int match) {
		return ((match & 1) == 0) ? this.targetVariants[match >> 1] : this.ruleVariants[match >> 1];
	}

	private static boolean matchesAll(CompiledCondition[] conditions, @Nullable String customerId,
			Map<String, String> context) {
		for (CompiledCondition condition : conditions) {
			if (!condition.matches(customerId, context)) {
				return false;
			}
		}
		return true;
	}

	static @Nullable String valueOf(String field, boolean isCustomerId, @Nullable String customerId,
			Map<String, String> context) {
		// The customer id overrides a context entry of the same name, as in the Python SDK.
		if (isCustomerId && customerId != null) {
			return customerId;
		}
		return context.get(field);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof ModelTargeting that) && this.enabled == that.enabled
				&& this.individualTargets.equals(that.individualTargets) && this.rules.equals(that.rules);
	}

	@Override
	public int hashCode() {
		return Boolean.hashCode(this.enabled) * 31 * 31 + this.individualTargets.hashCode() * 31
				+ this.rules.hashCode();
	}

	@Override
	public String toString() {
		// Target values are often customer ids: count them rather than print them.
		return "ModelTargeting[enabled=" + this.enabled + ", individualTargets=" + this.individualTargets.size()
				+ ", rules=" + this.rules.size() + "]";
	}

	/**
	 * An individual target: sessions whose context {@code field} equals {@code value}
	 * get the variant at {@code variantIndex}.
	 *
	 * @param field the context field, e.g. {@code customerId}
	 * @param value the value as the backend sent it: a string, or another JSON value
	 * (a number, a boolean, a list, {@code null}) that never matches
	 * @param variantIndex the variant's index; one out of range falls through to the hash
	 */
	public record IndividualTarget(String field, @Nullable Object value, int variantIndex) {

		public IndividualTarget {
			Arguments.notNull(field, "'field' must not be null");
			value = JsonValues.freeze(value);
		}

	}

	/**
	 * A rule: sessions whose context satisfies every condition (an empty list matches
	 * everyone) get the variant at {@code variantIndex}.
	 *
	 * @param conditions the conditions
	 * @param variantIndex the variant's index; one out of range falls through to the hash
	 */
	public record Rule(List<Condition> conditions, int variantIndex) {

		public Rule {
			conditions = List.copyOf(conditions);
		}

	}

	/**
	 * One condition of a rule. A field absent from the context fails, whatever the
	 * operator. {@code eq} and {@code neq} compare strings (a value of another JSON type
	 * never equals, so {@code neq} is then true); {@code in} and {@code nin} need a list
	 * value and {@code contains}, {@code startsWith} and {@code endsWith} a string value,
	 * else they are false; any other operator is false.
	 *
	 * @param field the context field
	 * @param operator the operator as sent, e.g. {@code eq} or {@code startsWith}
	 * @param value the value as the backend sent it: a string, a list, or another JSON
	 * value
	 */
	public record Condition(String field, String operator, @Nullable Object value) {

		public Condition {
			Arguments.notNull(field, "'field' must not be null");
			Arguments.notNull(operator, "'operator' must not be null");
			value = JsonValues.freeze(value);
		}

	}

	private enum Operator {

		EQ("eq"), NEQ("neq"), IN("in"), NIN("nin"), CONTAINS("contains"), STARTS_WITH("startsWith"),
		ENDS_WITH("endsWith"), NEVER(null);

		private final @Nullable String sentName;

		Operator(@Nullable String sentName) {
			this.sentName = sentName;
		}

		static Operator of(String name) {
			for (Operator operator : values()) {
				if (name.equals(operator.sentName)) {
					return operator;
				}
			}
			return NEVER;
		}

		boolean takesList() {
			return this == IN || this == NIN;
		}

	}

	/**
	 * A condition with its operator resolved and its value typed once.
	 */
	private static final class CompiledCondition {

		private final String field;

		private final boolean isCustomerId;

		private final Operator operator;

		private final @Nullable String text;

		private final @Nullable Set<String> set;

		CompiledCondition(Condition condition) {
			this.field = condition.field();
			this.isCustomerId = CUSTOMER_ID_FIELD.equals(this.field);
			Operator operator = Operator.of(condition.operator());
			this.text = (condition.value() instanceof String text) ? text : null;
			this.set = (condition.value() instanceof List<?> list) ? stringsOf(list) : null;
			// Decide the wrong-type cases here rather than on every call.
			boolean typed = switch (operator) {
				case IN, NIN -> this.set != null;
				case CONTAINS, STARTS_WITH, ENDS_WITH -> this.text != null;
				default -> true;
			};
			this.operator = typed ? operator : Operator.NEVER;
		}

		private static Set<String> stringsOf(List<?> list) {
			Set<String> strings = new HashSet<>();
			for (Object element : list) {
				// Only strings can equal a context value.
				if (element instanceof String string) {
					strings.add(string);
				}
			}
			return Set.copyOf(strings);
		}

		boolean matches(@Nullable String customerId, Map<String, String> context) {
			String value = valueOf(this.field, this.isCustomerId, customerId, context);
			if (value == null) {
				return false;
			}
			return switch (this.operator) {
				case EQ -> value.equals(this.text);
				case NEQ -> !value.equals(this.text);
				case IN -> this.set.contains(value);
				case NIN -> !this.set.contains(value);
				case CONTAINS -> value.contains(this.text);
				case STARTS_WITH -> value.startsWith(this.text);
				case ENDS_WITH -> value.endsWith(this.text);
				case NEVER -> false;
			};
		}

	}

	/**
	 * Makes JSON values (strings, numbers, booleans, lists, maps) immutable, so that a
	 * config stays immutable whatever the backend sent.
	 */
	static final class JsonValues {

		private JsonValues() {
		}

		static @Nullable Object freeze(@Nullable Object value) {
			if (value instanceof List<?> list) {
				List<@Nullable Object> frozen = new ArrayList<>(list.size());
				for (Object element : list) {
					frozen.add(freeze(element));
				}
				return Collections.unmodifiableList(frozen);
			}
			if (value instanceof Map<?, ?> map) {
				Map<Object, @Nullable Object> frozen = new LinkedHashMap<>();
				map.forEach((key, element) -> frozen.put(key, freeze(element)));
				return Collections.unmodifiableMap(frozen);
			}
			if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
				return value;
			}
			throw new IllegalArgumentException("Not a JSON value: " + value.getClass().getName());
		}

	}

}
