package io.github.etcddiscovery.client;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * etcd stores bytes; what we read as text must really be UTF-8, not bytes quietly replaced
 * with question marks. Shared by the instance and the configuration codecs.
 */
public final class EtcdText {

	private EtcdText() {
	}

	/** The text, or null when the bytes are not valid UTF-8. */
	public static @Nullable String strictUtf8(byte[] value) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(value))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

}
