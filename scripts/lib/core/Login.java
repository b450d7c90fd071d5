package lib.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A username and password (or token) for one registry. */
public record Login(String username, Secret password) {
    /** base64("user:password"): the auth files' "auth" field and, after "Basic ", the HTTP header. */
    public String basicToken() {
        String pair = username + ":" + password.reveal();
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    public String basicHeader() {
        return "Basic " + basicToken();
    }

    @Override
    public String toString() {
        return username + ":****";
    }
}
