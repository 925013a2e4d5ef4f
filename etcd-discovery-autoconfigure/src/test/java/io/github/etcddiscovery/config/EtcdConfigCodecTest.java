package io.github.etcddiscovery.config;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The key to property name mapping and the document formats, without etcd.
 */
class EtcdConfigCodecTest {

	private static final String CONTEXT = "/config/orders/";

	private final EtcdConfigCodec keyValue = new EtcdConfigCodec(EtcdConfigFormat.KEY_VALUE, "data");

	@Test
	void keysUnderTheContextArePropertiesWithDotsForSlashes() {
		EtcdConfigCodec.Decoded decoded = this.keyValue.decode(CONTEXT,
				entries("/config/orders/server/timeout", "5s", "/config/orders/greeting", "hello",
						"/config/orders/my-app/maxRetries", "3", "/config/orders/list[0]", "a"));

		assertThat(decoded.properties()).containsExactly(entry("server.timeout", "5s"), entry("greeting", "hello"),
				entry("my-app.maxRetries", "3"), entry("list[0]", "a"));
		assertThat(decoded.skipped()).isEmpty();
	}

	@Test
	void keysThatMapToNoPropertyNameAreSkippedWithTheirReason() {
		EtcdConfigCodec.Decoded decoded = this.keyValue.decode(CONTEXT,
				entries("/config/orders/a//b", "1", "/config/orders/", "2", "/config/orders/with space", "3",
						"/config/orders/---", "4", "/config/orders/ok", "5", "/config/orders/x/", "6"));

		assertThat(decoded.properties()).containsExactly(entry("ok", "5"));
		assertThat(decoded.skipped()).extracting(EtcdConfigCodec.Skipped::key)
			.containsExactly("/config/orders/a//b", "/config/orders/", "/config/orders/with space",
					"/config/orders/---", "/config/orders/x/");
		assertThat(decoded.skipped()).allSatisfy(s -> assertThat(s.reason()).contains("no property name"));
	}

	@Test
	void emptyFolderKeysAsConsulWritesThemAreIgnoredSilently() {
		EtcdConfigCodec.Decoded decoded = this.keyValue.decode(CONTEXT,
				entries("/config/orders/server/", "", "/config/orders/server/port", "8080"));

		assertThat(decoded.properties()).containsExactly(entry("server.port", "8080"));
		assertThat(decoded.skipped()).isEmpty();
	}

	@Test
	void aValueThatIsNotUtf8IsSkippedWithoutShowingIt() {
		Map<String, byte[]> entries = entries("/config/orders/good", "yes");
		entries.put("/config/orders/binary", new byte[] { (byte) 0xC3, (byte) 0x28, (byte) 0xFF });

		EtcdConfigCodec.Decoded decoded = this.keyValue.decode(CONTEXT, entries);

		assertThat(decoded.properties()).containsExactly(entry("good", "yes"));
		assertThat(decoded.skipped()).singleElement()
			.satisfies(s -> assertThat(s.reason()).isEqualTo("the value is not valid UTF-8"));
	}

	@Test
	void unicodeValuesAndNamesAreKept() {
		EtcdConfigCodec.Decoded decoded = this.keyValue.decode(CONTEXT, entries("/config/orders/grüße", "héllo ✓"));

		assertThat(decoded.properties()).containsExactly(entry("grüße", "héllo ✓"));
	}

	@Test
	void yamlReadsOnlyTheDataKeyAndFlattensIt() {
		EtcdConfigCodec yaml = new EtcdConfigCodec(EtcdConfigFormat.YAML, "data");

		EtcdConfigCodec.Decoded decoded = yaml.decode(CONTEXT,
				entries("/config/orders/data", "server:\n  timeout: 5s\nitems:\n  - a\n  - b\nflag: true\n",
						"/config/orders/other", "ignored"));

		assertThat(decoded.properties()).containsOnly(entry("server.timeout", "5s"), entry("items[0]", "a"),
				entry("items[1]", "b"), entry("flag", true));
		assertThat(yaml.documentKey(CONTEXT)).isEqualTo("/config/orders/data");
		assertThat(this.keyValue.documentKey(CONTEXT)).isNull();
	}

	@Test
	void aBrokenYamlDocumentIsSkippedSayingWhereButNotWhat() {
		EtcdConfigCodec yaml = new EtcdConfigCodec(EtcdConfigFormat.YAML, "data");

		EtcdConfigCodec.Decoded decoded = yaml.decode(CONTEXT,
				entries("/config/orders/data", "server:\n  timeout: 5s\n password: s3cr3t: [\n"));

		assertThat(decoded.properties()).isEmpty();
		assertThat(decoded.skipped()).singleElement().satisfies(s -> {
			assertThat(s.reason()).startsWith("the value is not a valid YAML document (line");
			assertThat(s.reason()).doesNotContain("s3cr3t");
		});
	}

	@Test
	void propertiesDocumentsAreRead() {
		EtcdConfigCodec properties = new EtcdConfigCodec(EtcdConfigFormat.PROPERTIES, "settings");

		EtcdConfigCodec.Decoded decoded = properties.decode(CONTEXT,
				entries("/config/orders/settings", "server.timeout=5s\n# comment\ngreeting = hi there\n"));

		assertThat(decoded.properties()).containsOnly(entry("server.timeout", "5s"), entry("greeting", "hi there"));
	}

	@Test
	void aBrokenPropertiesDocumentIsSkipped() {
		EtcdConfigCodec properties = new EtcdConfigCodec(EtcdConfigFormat.PROPERTIES, "data");

		EtcdConfigCodec.Decoded decoded = properties.decode(CONTEXT, entries("/config/orders/data", "a=\\uZZZZ\n"));

		assertThat(decoded.properties()).isEmpty();
		assertThat(decoded.skipped()).singleElement()
			.satisfies(s -> assertThat(s.reason()).startsWith("the value is not a valid properties document"));
	}

	@Test
	void snapshotsGiveOneSourcePerContextMostSpecificLast() {
		Map<String, Map<String, Object>> byContext = new LinkedHashMap<>();
		byContext.put("/config/orders,dev/", Map.of("a", "1"));
		byContext.put("/config/orders/", Map.of());
		byContext.put("/config/application/", Map.of("a", "3"));

		EtcdConfigSnapshot snapshot = EtcdConfigSnapshot.of(7, byContext);

		assertThat(snapshot.propertySources()).extracting(source -> source.getName())
			.containsExactly("etcd:/config/application/", "etcd:/config/orders/", "etcd:/config/orders,dev/");
		assertThat(snapshot.sameProperties(EtcdConfigSnapshot.of(9, byContext))).isTrue();
		assertThat(snapshot.sameProperties(EtcdConfigSnapshot.notLoaded(List.copyOf(byContext.keySet())))).isFalse();
	}

	private static Map<String, byte[]> entries(String... keyThenValue) {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		for (int i = 0; i < keyThenValue.length; i += 2) {
			entries.put(keyThenValue[i], keyThenValue[i + 1].getBytes(StandardCharsets.UTF_8));
		}
		return entries;
	}

}
