package com.fallom.internal.spool;

import java.io.IOException;

/**
 * Turns the items of one stream into bytes for the spool and back. Internal API.
 *
 * @param <T> the item type
 */
public interface SpoolCodec<T> {

	/**
	 * Write an item.
	 * @param item the item
	 * @return its bytes
	 */
	byte[] encode(T item);

	/**
	 * Read an item written by {@link #encode}.
	 * @param bytes the bytes, checksummed, yet from outside the process: check what is read
	 * @return the item
	 * @throws IOException when the bytes are not an item
	 */
	T decode(byte[] bytes) throws IOException;

	/**
	 * The codec of items that are their bytes already.
	 * @return the codec
	 */
	static SpoolCodec<byte[]> bytes() {
		return new SpoolCodec<>() {

			@Override
			public byte[] encode(byte[] item) {
				return item;
			}

			@Override
			public byte[] decode(byte[] bytes) {
				return bytes;
			}

		};
	}

}
