package io.github.etcddiscovery.client;

import java.util.List;

import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * etcd answered, and refused us: wrong credentials, missing permissions, or a TLS peer that
 * is not trusted. Unlike an outage this does not go away by waiting, so it carries the fix.
 * Messages name users, keys and endpoints, never a password or key material.
 */
public class EtcdAccessException extends RuntimeException {

	private static final String SECURITY_DOCS = "See the Security section of the etcd-discovery README.";

	private final String action;

	private final boolean permissionDenied;

	public EtcdAccessException(String message, String action, @Nullable Throwable cause) {
		this(message, action, false, cause);
	}

	private EtcdAccessException(String message, String action, boolean permissionDenied, @Nullable Throwable cause) {
		super(message, cause);
		this.action = action;
		this.permissionDenied = permissionDenied;
	}

	public String getAction() {
		return this.action;
	}

	/** Authenticated, but the user's roles do not cover the key: the caller knows which grant fixes it. */
	public boolean isPermissionDenied() {
		return this.permissionDenied;
	}

	/**
	 * The access problem behind a failed etcd call, or {@code null} when the failure is of
	 * another kind. jetcd reports these as gRPC statuses, sometimes wrapped twice, so the
	 * whole cause chain is read.
	 */
	public static @Nullable EtcdAccessException of(String operation, Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			String message = String.valueOf(t.getMessage());
			for (CredentialProblem problem : CREDENTIAL_PROBLEMS) {
				if (message.contains(problem.etcdSays())) {
					return new EtcdAccessException(operation + " failed: " + problem.meaning(), problem.action(),
							failure);
				}
			}
			if (Status.fromThrowable(t).getCode() == Status.Code.PERMISSION_DENIED
					|| message.contains("etcdserver: permission denied")) {
				return new EtcdAccessException(
						operation + " was denied: the etcd user lacks the permission (etcdserver: permission denied)",
						"Grant the user's etcd role read on the discovery prefix and readwrite on its own "
								+ "service's prefix. " + SECURITY_DOCS,
						true, failure);
			}
		}
		return null;
	}

	private static final String CREDENTIALS = EtcdProperties.PREFIX + ".username and " + EtcdProperties.PREFIX
			+ ".password";

	/** What etcd answers when the configured credentials cannot work, and what to do. */
	private static final List<CredentialProblem> CREDENTIAL_PROBLEMS = List.of(
			new CredentialProblem("authentication failed, invalid user ID or password",
					"etcd rejected the user name or password",
					"Check " + CREDENTIALS + " against the etcd user (etcdctl user get <name>)."),
			new CredentialProblem("authentication is not enabled",
					"etcd has authentication disabled, yet a user name is configured",
					"Remove " + CREDENTIALS + ", or enable authentication in etcd (etcdctl auth enable)."),
			new CredentialProblem("user name is empty", "etcd requires authentication and no user is configured",
					"Set " + CREDENTIALS + ". " + SECURITY_DOCS));

	private record CredentialProblem(String etcdSays, String meaning, String action) {

	}

}
