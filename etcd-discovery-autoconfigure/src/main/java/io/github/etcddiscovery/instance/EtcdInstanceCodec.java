package io.github.etcddiscovery.instance;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.github.etcddiscovery.client.EtcdText;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The storage format, in one place: which key an instance lives under and what its value
 * looks like. Pure: no I/O, no clock, no logging, so every rule is unit-testable.
 * <p>
 * Writing produces our JSON, which also carries {@code addr} and {@code metadata} so that Go's
 * {@code go.etcd.io/etcd/client/v3/naming} resolver (case-insensitive JSON) can dial our
 * instances. Reading is tolerant, because other writers share the keyspace: our JSON, Go's
 * naming format, and plain {@code host:port} or {@code http(s)://host:port} values are
 * accepted; anything else is reported as a {@link Decoded#problem() problem}, never thrown.
 */
public final class EtcdInstanceCodec {

	/** Registrations are small; a larger value is somebody else's data. */
	public static final int MAX_VALUE_BYTES = 64 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String prefix;

	/**
	 * @param prefix the key prefix, such as {@code /services}; a trailing slash is ignored
	 */
	public EtcdInstanceCodec(String prefix) {
		this.prefix = normalizePrefix(prefix);
	}

	public static String normalizePrefix(String prefix) {
		String p = prefix.trim();
		while (p.endsWith("/")) {
			p = p.substring(0, p.length() - 1);
		}
		return p;
	}

	/** The prefix every instance key starts with, ending in a slash. */
	public String keyPrefix() {
		return this.prefix + "/";
	}

	public String key(String serviceId, String instanceId) {
		return keyPrefix() + serviceId + "/" + instanceId;
	}

	public byte[] encode(EtcdServiceInstance instance) {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("serviceId", instance.getServiceId());
		value.put("instanceId", instance.getInstanceId());
		value.put("host", instance.getHost());
		value.put("port", instance.getPort());
		value.put("secure", instance.isSecure());
		value.put("status", instance.getStatus());
		value.put("metadata", instance.getMetadata());
		value.put("addr", instance.address());
		return JSON.writeValueAsBytes(value);
	}

	/**
	 * Reads one key/value pair under the prefix. Never throws: what cannot be read comes
	 * back as a problem that says why.
	 */
	public Decoded decode(String key, byte @Nullable [] value) {
		String[] parts = splitKey(key);
		if (parts == null) {
			return Decoded.problem("key is not of the form " + keyPrefix() + "{serviceId}/{instanceId}");
		}
		if (value == null || value.length == 0) {
			return Decoded.problem("empty value");
		}
		if (value.length > MAX_VALUE_BYTES) {
			return Decoded.problem("value of " + value.length + " bytes exceeds " + MAX_VALUE_BYTES + " bytes");
		}
		String text = EtcdText.strictUtf8(value);
		if (text == null) {
			return Decoded.problem("value is not UTF-8 text");
		}
		text = text.trim();
		try {
			return text.startsWith("{") ? decodeJson(parts[0], parts[1], text) : decodeAddress(parts[0], parts[1], text);
		}
		catch (InvalidValue ex) {
			return Decoded.problem(ex.getMessage());
		}
	}

	/** {@code [serviceId, instanceId]} or null when the key is not an instance key. */
	private String @Nullable [] splitKey(String key) {
		if (!key.startsWith(keyPrefix())) {
			return null;
		}
		String[] parts = key.substring(keyPrefix().length()).split("/", -1);
		if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
			return null;
		}
		return parts;
	}

	private static Decoded decodeJson(String serviceId, String instanceId, String text) {
		JsonNode root;
		try {
			root = JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new InvalidValue("value is not valid JSON");
		}
		if (root == null || !root.isObject()) {
			throw new InvalidValue("value is not a JSON object");
		}
		// Go's encoding/json matches field names case-insensitively, and so do we.
		Map<String, JsonNode> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		root.properties().forEach(e -> fields.putIfAbsent(e.getKey(), e.getValue()));
		if (fields.containsKey("host") || fields.containsKey("port")) {
			return decodeOurs(serviceId, instanceId, fields);
		}
		if (fields.containsKey("addr")) {
			return decodeGoNaming(serviceId, instanceId, fields);
		}
		throw new InvalidValue("JSON value has neither host and port nor Addr");
	}

	private static Decoded decodeOurs(String serviceId, String instanceId, Map<String, JsonNode> fields) {
		String host = requireHost(text(fields, "host"));
		JsonNode portNode = fields.get("port");
		if (portNode == null || !portNode.isIntegralNumber() || !portNode.canConvertToInt()) {
			throw new InvalidValue("port must be a whole number");
		}
		int port = requirePort(portNode.intValue());
		JsonNode secureNode = fields.get("secure");
		if (secureNode != null && !secureNode.isNull() && !secureNode.isBoolean()) {
			throw new InvalidValue("secure must be true or false");
		}
		boolean secure = secureNode != null && secureNode.booleanValue(false);
		String status = InstanceStatus.normalize(text(fields, "status"));
		Map<String, String> metadata = metadata(fields.get("metadata"), true);
		return Decoded.of(new EtcdServiceInstance(serviceId, instanceId, host, port, secure, status, metadata));
	}

	private static Decoded decodeGoNaming(String serviceId, String instanceId, Map<String, JsonNode> fields) {
		JsonNode op = fields.get("op");
		if (op != null && !op.isNull() && !(op.isIntegralNumber() && op.intValue() == 0)) {
			throw new InvalidValue("Go naming update with Op " + op + " is not an addition");
		}
		String addr = text(fields, "addr");
		if (addr == null) {
			throw new InvalidValue("Addr must be a string");
		}
		Decoded fromAddr = decodeAddress(serviceId, instanceId, addr.trim());
		// Go's Metadata is any JSON value; only an object can become Spring metadata.
		Map<String, String> metadata = metadata(fields.get("metadata"), false);
		EtcdServiceInstance base = fromAddr.instance();
		return Decoded.of(new EtcdServiceInstance(serviceId, instanceId, base.getHost(), base.getPort(),
				base.isSecure(), InstanceStatus.UP, metadata));
	}

	private static Decoded decodeAddress(String serviceId, String instanceId, String text) {
		if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
			throw new InvalidValue("value is neither JSON nor host:port");
		}
		String lower = text.toLowerCase(Locale.ROOT);
		boolean secure = lower.startsWith("https://");
		String authority = text;
		if (lower.startsWith("http://") || secure) {
			URI uri;
			try {
				uri = URI.create(text);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidValue("value is not a valid URL");
			}
			if (uri.getHost() == null || uri.getPort() == -1) {
				throw new InvalidValue("URL value has no host and port");
			}
			authority = uri.getHost() + ":" + uri.getPort();
		}
		int colon = authority.lastIndexOf(':');
		if (colon <= 0 || colon == authority.length() - 1) {
			throw new InvalidValue("value is neither JSON nor host:port");
		}
		String host = authority.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		else if (host.indexOf(':') >= 0) {
			throw new InvalidValue("IPv6 host must be in brackets");
		}
		int port;
		try {
			port = Integer.parseInt(authority.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			throw new InvalidValue("port must be a whole number");
		}
		return Decoded.of(new EtcdServiceInstance(serviceId, instanceId, requireHost(host), requirePort(port), secure,
				InstanceStatus.UP, Map.of()));
	}

	private static Map<String, String> metadata(@Nullable JsonNode node, boolean strict) {
		Map<String, String> metadata = new LinkedHashMap<>();
		if (node == null || node.isNull()) {
			return metadata;
		}
		if (!node.isObject()) {
			if (strict) {
				throw new InvalidValue("metadata must be a JSON object");
			}
			return metadata;
		}
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			JsonNode v = entry.getValue();
			if (v.isNull()) {
				continue;
			}
			metadata.put(entry.getKey(), v.isString() ? v.stringValue() : v.toString());
		}
		return metadata;
	}

	private static @Nullable String text(Map<String, JsonNode> fields, String name) {
		JsonNode node = fields.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw new InvalidValue(name + " must be a string");
		}
		return node.stringValue();
	}

	private static String requireHost(@Nullable String host) {
		if (host == null || host.isBlank()) {
			throw new InvalidValue("host is missing");
		}
		if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
			throw new InvalidValue("host contains whitespace or a slash");
		}
		return host;
	}

	private static int requirePort(int port) {
		if (port < 1 || port > 65535) {
			throw new InvalidValue("port " + port + " is out of range 1-65535");
		}
		return port;
	}


	/**
	 * The outcome of reading one key: an instance, or the reason it was skipped.
	 */
	public record Decoded(@Nullable EtcdServiceInstance instance, @Nullable String problem) {

		static Decoded of(EtcdServiceInstance instance) {
			return new Decoded(instance, null);
		}

		static Decoded problem(String problem) {
			return new Decoded(null, problem);
		}

		public boolean isValid() {
			return this.instance != null;
		}

	}

	private static final class InvalidValue extends RuntimeException {

		InvalidValue(String message) {
			super(message, null, false, false);
		}

	}

}
