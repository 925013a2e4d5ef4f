package io.github.etcddiscovery.instance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import io.github.etcddiscovery.instance.EtcdInstanceCodec.Decoded;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class EtcdInstanceCodecTest {

	private final EtcdInstanceCodec codec = new EtcdInstanceCodec("/services");

	private Decoded decode(String key, String value) {
		return this.codec.decode(key, value.getBytes(StandardCharsets.UTF_8));
	}

	@Nested
	class Keys {

		@Test
		void instanceKeyIsPrefixServiceAndInstance() {
			assertThat(EtcdInstanceCodecTest.this.codec.key("orders", "orders-1")).isEqualTo("/services/orders/orders-1");
		}

		@Test
		void trailingSlashesOfThePrefixAreIgnored() {
			assertThat(new EtcdInstanceCodec("/services//").key("a", "b")).isEqualTo("/services/a/b");
			assertThat(new EtcdInstanceCodec("/services/").keyPrefix()).isEqualTo("/services/");
		}

	}

	@Nested
	class OurFormat {

		@Test
		void roundTripsEveryField() {
			EtcdServiceInstance instance = new EtcdServiceInstance("orders", "orders-1", "10.0.0.7", 8443, true,
					"OUT_OF_SERVICE", Map.of("zone", "eu-1", "version", "2"));
			byte[] value = EtcdInstanceCodecTest.this.codec.encode(instance);

			Decoded decoded = EtcdInstanceCodecTest.this.codec.decode("/services/orders/orders-1", value);

			assertThat(decoded.problem()).isNull();
			assertThat(decoded.instance()).isEqualTo(instance);
		}

		@Test
		void writesTheFieldsOtherLanguagesRead() {
			EtcdServiceInstance instance = new EtcdServiceInstance("orders", "orders-1", "10.0.0.7", 8080, false, "UP",
					Map.of("zone", "eu-1"));

			JsonNode json = JsonMapper.builder().build().readTree(EtcdInstanceCodecTest.this.codec.encode(instance));

			assertThat(json.get("serviceId").stringValue()).isEqualTo("orders");
			assertThat(json.get("instanceId").stringValue()).isEqualTo("orders-1");
			assertThat(json.get("host").stringValue()).isEqualTo("10.0.0.7");
			assertThat(json.get("port").intValue()).isEqualTo(8080);
			assertThat(json.get("secure").booleanValue()).isFalse();
			assertThat(json.get("status").stringValue()).isEqualTo("UP");
			assertThat(json.get("metadata").get("zone").stringValue()).isEqualTo("eu-1");
			// Go's naming resolver dials Addr; its JSON decoding ignores case.
			assertThat(json.get("addr").stringValue()).isEqualTo("10.0.0.7:8080");
		}

		@Test
		void ipv6AddressesAreBracketedInAddrAndUri() {
			EtcdServiceInstance instance = new EtcdServiceInstance("s", "i", "::1", 8080, false, "UP", Map.of());

			assertThat(instance.address()).isEqualTo("[::1]:8080");
			assertThat(instance.getUri().toString()).isEqualTo("http://[::1]:8080");
		}

		@Test
		void keyDecidesServiceAndInstanceIds() {
			Decoded decoded = decode("/services/orders/i-1",
					"{\"serviceId\":\"other\",\"instanceId\":\"x\",\"host\":\"h\",\"port\":1}");

			assertThat(decoded.instance().getServiceId()).isEqualTo("orders");
			assertThat(decoded.instance().getInstanceId()).isEqualTo("i-1");
		}

		@Test
		void missingStatusMeansUpAndStatusIsUpperCased() {
			assertThat(decode("/services/a/b", "{\"host\":\"h\",\"port\":80}").instance().getStatus()).isEqualTo("UP");
			assertThat(decode("/services/a/b", "{\"host\":\"h\",\"port\":80,\"status\":\"out_of_service\"}").instance()
				.getStatus()).isEqualTo("OUT_OF_SERVICE");
		}

		@Test
		void nonStringMetadataValuesBecomeText() {
			Decoded decoded = decode("/services/a/b", "{\"host\":\"h\",\"port\":80,\"metadata\":{\"n\":3,\"o\":{\"x\":1},\"nil\":null}}");

			assertThat(decoded.instance().getMetadata()).containsExactly(Map.entry("n", "3"), Map.entry("o", "{\"x\":1}"));
		}

	}

	@Nested
	class ForeignFormats {

		@Test
		void goNamingUpdate() {
			Decoded decoded = decode("/services/order/10.0.0.7:50051",
					"{\"Op\":0,\"Addr\":\"10.0.0.7:50051\",\"Metadata\":{\"weight\":\"5\"}}");

			EtcdServiceInstance instance = decoded.instance();
			assertThat(instance.getServiceId()).isEqualTo("order");
			assertThat(instance.getInstanceId()).isEqualTo("10.0.0.7:50051");
			assertThat(instance.getHost()).isEqualTo("10.0.0.7");
			assertThat(instance.getPort()).isEqualTo(50051);
			assertThat(instance.getMetadata()).containsEntry("weight", "5");
			assertThat(instance.isUp()).isTrue();
		}

		@Test
		void goNamingWithoutOpAndWithScalarMetadata() {
			Decoded decoded = decode("/services/order/x", "{\"Addr\":\"h:1\",\"Metadata\":\"anything\"}");

			assertThat(decoded.instance().getMetadata()).isEmpty();
			assertThat(decoded.instance().getPort()).isEqualTo(1);
		}

		@Test
		void goNamingDeleteOperationIsNotAnInstance() {
			assertThat(decode("/services/order/x", "{\"Op\":1,\"Addr\":\"h:1\"}").problem()).contains("Op");
		}

		@ParameterizedTest
		@CsvSource({ "127.0.0.1:1212, 127.0.0.1, 1212, false", "http://orders.local:8080, orders.local, 8080, false",
				"https://orders.local:8443, orders.local, 8443, true", "HTTPS://H:1, H, 1, true",
				"[::1]:9000, ::1, 9000, false", "  10.1.2.3:80  , 10.1.2.3, 80, false" })
		void plainAddresses(String value, String host, int port, boolean secure) {
			EtcdServiceInstance instance = decode("/services/order/0001", value).instance();

			assertThat(instance.getServiceId()).isEqualTo("order");
			assertThat(instance.getInstanceId()).isEqualTo("0001");
			assertThat(instance.getHost()).isEqualTo(host);
			assertThat(instance.getPort()).isEqualTo(port);
			assertThat(instance.isSecure()).isEqualTo(secure);
		}

	}

	@Nested
	class BadData {

		@ParameterizedTest(name = "{0}")
		@CsvSource(delimiter = '|', value = { "not json at all|value is neither JSON nor host:port",
				"{\"host\":\"h\",\"port\":|not valid JSON", "[1,2]|value is neither JSON nor host:port",
				"{\"host\":\"h\"}|port must be a whole number", "{\"host\":\"h\",\"port\":\"80\"}|port must be a whole number",
				"{\"host\":\"h\",\"port\":70000}|out of range", "{\"host\":\"h\",\"port\":0}|out of range",
				"{\"host\":\"h\",\"port\":80.5}|whole number", "{\"host\":\"\",\"port\":80}|host is missing",
				"{\"host\":42,\"port\":80}|host must be a string", "{\"port\":80}|host is missing",
				"{\"host\":\"h\",\"port\":80,\"secure\":\"yes\"}|secure must be true or false",
				"{\"host\":\"h\",\"port\":80,\"metadata\":[1]}|metadata must be a JSON object",
				"{\"name\":\"x\"}|neither host and port nor Addr", "{\"Addr\":42}|addr must be a string",
				"{\"Addr\":\"no-port\"}|neither JSON nor host:port", "host:notaport|port must be a whole number",
				"host:|neither JSON nor host:port", "::1:80|IPv6 host must be in brackets",
				"http://host-without-port|no host and port", "h:99999|out of range" })
		void isReportedNotThrown(String value, String problem) {
			Decoded decoded = decode("/services/a/b", value);

			assertThat(decoded.isValid()).isFalse();
			assertThat(decoded.problem()).contains(problem);
		}

		@Test
		void emptyValue() {
			assertThat(EtcdInstanceCodecTest.this.codec.decode("/services/a/b", new byte[0]).problem())
				.isEqualTo("empty value");
		}

		@Test
		void binaryValue() {
			byte[] binary = { (byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28 };

			assertThat(EtcdInstanceCodecTest.this.codec.decode("/services/a/b", binary).problem()).contains("UTF-8");
		}

		@Test
		void hugeValueIsRejectedBeforeParsing() {
			byte[] huge = new byte[1024 * 1024];
			Arrays.fill(huge, (byte) 'x');

			assertThat(EtcdInstanceCodecTest.this.codec.decode("/services/a/b", huge).problem()).contains("exceeds");
		}

		@ParameterizedTest
		@CsvSource({ "/services/orders", "/services/orders/", "/services//i", "/services/a/b/c", "/other/a/b",
				"/services" })
		void keysAtTheWrongDepth(String key) {
			assertThat(EtcdInstanceCodecTest.this.codec.decode(key, "h:1".getBytes()).problem())
				.contains("key is not of the form /services/{serviceId}/{instanceId}");
		}

	}

}
