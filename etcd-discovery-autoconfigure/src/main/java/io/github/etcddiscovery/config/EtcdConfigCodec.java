package io.github.etcddiscovery.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.etcddiscovery.client.EtcdText;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Turns the keys of one context into properties: the key to property name mapping of the
 * key-value format, or the parsing of a YAML or properties document. Pure: no etcd, no
 * logging. What cannot be used is returned as {@link Skipped} with a reason that never
 * contains the value, since values may be secrets.
 */
public final class EtcdConfigCodec {

	private final EtcdConfigFormat format;

	private final String dataKey;

	public EtcdConfigCodec(EtcdConfigFormat format, String dataKey) {
		this.format = format;
		this.dataKey = dataKey;
	}

	/** The single key a document format reads in {@code context}, or null for key-value. */
	public @Nullable String documentKey(String context) {
		return (this.format == EtcdConfigFormat.KEY_VALUE) ? null : context + this.dataKey;
	}

	/**
	 * The properties held by the keys of {@code context}.
	 * @param entries the context's keys (full etcd keys, under {@code context}) and values
	 */
	public Decoded decode(String context, Map<String, byte[]> entries) {
		Map<String, Object> properties = new LinkedHashMap<>();
		List<Skipped> skipped = new ArrayList<>();
		if (this.format == EtcdConfigFormat.KEY_VALUE) {
			entries.forEach((key, value) -> decodeKeyValue(context, key, value, properties, skipped));
		}
		else {
			String key = context + this.dataKey;
			byte[] document = entries.get(key);
			if (document != null) {
				decodeDocument(key, document, properties, skipped);
			}
		}
		return new Decoded(properties, skipped);
	}

	private static void decodeKeyValue(String context, String key, byte[] value, Map<String, Object> properties,
			List<Skipped> skipped) {
		if (!key.startsWith(context)) {
			return;
		}
		String relative = key.substring(context.length());
		if (relative.endsWith("/") && value.length == 0) {
			return; // a folder marker, as Consul's UI and git2consul write them
		}
		String name = propertyName(relative);
		if (name == null) {
			skipped.add(new Skipped(key, "the key maps to no property name (segments must be non-empty, "
					+ "hold a letter or digit and no whitespace)"));
			return;
		}
		String text = EtcdText.strictUtf8(value);
		if (text == null) {
			skipped.add(new Skipped(key, "the value is not valid UTF-8"));
			return;
		}
		properties.put(name, text);
	}

	/** {@code server/timeout} to {@code server.timeout}; null when that is no property name. */
	static @Nullable String propertyName(String relativeKey) {
		if (relativeKey.isEmpty()) {
			return null;
		}
		String[] segments = relativeKey.split("/", -1);
		for (String segment : segments) {
			if (!isUsableSegment(segment)) {
				return null;
			}
		}
		return String.join(".", segments);
	}

	private static boolean isUsableSegment(String segment) {
		boolean letterOrDigit = false;
		for (int i = 0; i < segment.length(); i++) {
			char c = segment.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\uFFFD') {
				return false;
			}
			letterOrDigit |= Character.isLetterOrDigit(c);
		}
		return letterOrDigit;
	}

	private void decodeDocument(String key, byte[] document, Map<String, Object> properties, List<Skipped> skipped) {
		if (EtcdText.strictUtf8(document) == null) {
			skipped.add(new Skipped(key, "the value is not valid UTF-8"));
			return;
		}
		PropertySourceLoader loader = (this.format == EtcdConfigFormat.YAML) ? new YamlPropertySourceLoader()
				: new PropertiesPropertySourceLoader();
		String kind = (this.format == EtcdConfigFormat.YAML) ? "YAML" : "properties";
		List<PropertySource<?>> documents;
		try {
			documents = loader.load(key, new ByteArrayResource(document, key));
		}
		catch (IOException | RuntimeException ex) {
			// Parser messages quote the document, which may hold secrets: only say where.
			skipped.add(new Skipped(key, "the value is not a valid " + kind + " document" + where(ex)));
			return;
		}
		for (PropertySource<?> source : documents) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					Object value = enumerable.getProperty(name);
					properties.put(name, (value instanceof OriginTrackedValue tracked) ? tracked.getValue() : value);
				}
			}
		}
	}

	private static String where(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
				return " (line " + (marked.getProblemMark().getLine() + 1) + ", column "
						+ (marked.getProblemMark().getColumn() + 1) + ")";
			}
		}
		return "";
	}


	/** The usable properties of a context, and the keys that were not usable. */
	public record Decoded(Map<String, Object> properties, List<Skipped> skipped) {

	}

	/** A key that was skipped, and why; never the value. */
	public record Skipped(String key, String reason) {

	}

}
