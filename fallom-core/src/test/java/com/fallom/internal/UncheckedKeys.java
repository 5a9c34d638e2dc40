package com.fallom.internal;

import java.lang.reflect.Field;

/**
 * Puts a key that {@link ApiKeys} would refuse into a real {@link FallomHttpClient}, as a
 * client built before the key was checked had it: the only way left to test what the
 * transport and the engine do with such a key.
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
