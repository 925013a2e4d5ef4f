package io.github.etcddiscovery.testapp;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * What an HTTP client that reads health (a Kubernetes probe, a load balancer, a
 * {@code health-check} caller) gets from {@code /actuator/health} or one of its paths: the
 * HTTP status and the body.
 */
public record ActuatorHealth(int httpStatus, JsonNode body) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final RestClient HTTP = RestClient.create();

	/** {@code GET /actuator/health} when {@code path} is empty, else {@code /actuator/health/{path}}. */
	public static ActuatorHealth get(ConfigurableApplicationContext app, String path) {
		int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		String url = "http://127.0.0.1:" + port + "/actuator/health" + (path.isEmpty() ? "" : "/" + path);
		return HTTP.get()
			.uri(url)
			.exchange((request, response) -> new ActuatorHealth(response.getStatusCode().value(),
					JSON.readTree(response.getBody())));
	}

	public String status() {
		return this.body.path("status").asString();
	}

	/** The status of one component, {@code a/b} for a nested one. */
	public String statusOf(String component) {
		JsonNode node = this.body;
		for (String name : component.split("/")) {
			node = node.path("components").path(name);
		}
		return node.path("status").asString();
	}

	@Override
	public String toString() {
		return this.httpStatus + " " + this.body;
	}

}
