package io.github.etcddiscovery.testapp;

/**
 * Counting what an application logged.
 */
public final class Text {

	private Text() {
	}

	public static int occurrences(String text, String needle) {
		int count = 0;
		for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
			count++;
		}
		return count;
	}

}
