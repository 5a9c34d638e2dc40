package com.fallom.internal;

import java.lang.reflect.Field;

/**
 * Puts a key that {@link ApiKeys} would refuse into a real {@link FallomHttpClient}, as a
 * client built before the key was checked had it: the only way left to reach the JDK's
 * refusal of the {@code Authorization} header, whose message quotes the key, and so to
 * test what the engine does with an exception it cannot rule out.
 */
public final class UncheckedKeys {

	private UncheckedKeys() {
	}

	/**
	 * Replace the key a client sends.
	 * @param client the client
	 * @param apiKey the key, unchecked
	 */
	public static void useKey(FallomHttpClient client, String apiKey) {
		try {
			for (Field field : FallomHttpClient.class.getDeclaredFields()) {
				if (field.getType() != String.class) {
					continue;
				}
				field.setAccessible(true);
				if (String.valueOf(field.get(client)).startsWith("Bearer ")) {
					field.set(client, "Bearer " + apiKey);
					return;
				}
			}
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
		throw new IllegalStateException("No Authorization header value in " + FallomHttpClient.class);
	}

}
