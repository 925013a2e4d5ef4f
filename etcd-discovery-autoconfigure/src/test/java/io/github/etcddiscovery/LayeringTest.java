package io.github.etcddiscovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering the README's layout section describes, checked on the compiled classes: a bottom
 * layer of etcd building blocks that imports nothing above it, Spring Cloud concerns that never
 * import each other, and the rest on top. A new package fails here until it is given a place.
 */
class LayeringTest {

	private static final String ROOT = "io.github.etcddiscovery";

	private static final List<String> BOTTOM = List.of("client", "lease", "mirror", "instance");

	private static final List<String> MIDDLE = List.of("registry", "discovery", "config");

	private static final List<String> TOP = List.of("loadbalancer", "health", "metrics", "actuate", "status",
			"diagnostics", "security", "serviceconnection", "aot");

	/** Which packages of ours each package may use, besides itself. */
	private static final Map<String, List<String>> ALLOWED = allowed();

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
			.importPackages(ROOT);
	}

	private static Map<String, List<String>> allowed() {
		Map<String, List<String>> allowed = new LinkedHashMap<>();
		allowed.put("client", List.of());
		allowed.put("lease", List.of("client"));
		allowed.put("mirror", List.of("client"));
		allowed.put("instance", List.of("client"));
		allowed.put("registry", List.of("client", "lease", "instance"));
		allowed.put("discovery", List.of("client", "mirror", "instance"));
		allowed.put("config", List.of("client"));
		List<String> below = new ArrayList<>(BOTTOM);
		below.addAll(MIDDLE);
		TOP.forEach((top) -> allowed.put(top, below));
		return allowed;
	}

	@Test
	void everyPackageHasAPlaceInTheLayering() {
		Set<String> packages = new TreeSet<>();
		for (JavaClass javaClass : classes) {
			packages.add(javaClass.getPackageName().substring(ROOT.length() + 1).split("\\.")[0]);
		}
		assertThat(ALLOWED.keySet()).containsAll(packages);
	}

	@Test
	void eachPackageUsesOnlyThePackagesBelowIt() {
		ALLOWED.forEach((pkg, allowedBelow) -> {
			String[] permitted = Stream.concat(Stream.of(pkg), allowedBelow.stream())
				.map((name) -> ROOT + "." + name + "..")
				.toArray(String[]::new);
			classes().that()
				.resideInAPackage(ROOT + "." + pkg + "..")
				.should()
				.onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..").or(resideInAnyPackage(permitted)))
				.allowEmptyShould(true)
				.check(classes);
		});
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
	}

}
