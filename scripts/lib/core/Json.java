package lib.core;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper every script shares. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
}
