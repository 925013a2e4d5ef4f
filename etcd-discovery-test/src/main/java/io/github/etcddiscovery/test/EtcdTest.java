package io.github.etcddiscovery.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real etcd process on a free loopback port.
 * <ul>
 * <li>{@link EtcdServer} parameters of test methods, constructors and lifecycle methods
 * receive it.</li>
 * <li>In a {@code @SpringBootTest} (with spring-test on the classpath),
 * {@code spring.cloud.etcd.endpoints} points at it, with nothing else to write.</li>
 * </ul>
 * By default every class shares one etcd per JVM ({@link SharedEtcd}), which refuses kill,
 * pause and restart so that tests cannot disturb each other; write under
 * {@link SharedEtcd#uniquePrefix(String)}. With {@code shared = false} the class gets its own
 * etcd, which it may kill, pause, wipe and restart; it is stopped after the class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EtcdExtension.class)
public @interface EtcdTest {

	/** Whether to use the one etcd shared by the JVM, rather than one for this class. */
	boolean shared() default true;

}
