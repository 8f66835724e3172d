package org.socengine.connectors.elasticsearch;

import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.socengine.connectors.secrets.Redaction;

/**
 * How to reach Elasticsearch: URL, and optionally basic auth or an API key and a CA certificate for
 * TLS. Secrets never appear in {@link #toString()}. Credentials written into the URL ({@code
 * https://user:pass@host:9200}) become basic auth and leave the URL, so {@link #url()} can be
 * printed anywhere.
 */
public final class ElasticsearchSettings implements Serializable {

    private final String url;
    private final String username;
    private final String password;
    private final String apiKey;
    private final String caCertificate;

    private ElasticsearchSettings(Builder b) {
        this.url = b.url;
        this.username = b.username;
        this.password = b.password;
        this.apiKey = b.apiKey;
        this.caCertificate = b.caCertificate;
    }

    public static ElasticsearchSettings of(String url) {
        return builder().url(url).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String url() {
        return url;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String apiKey() {
        return apiKey;
    }

    /** Path of a PEM file with the CA that signed the cluster's certificate. */
    public String caCertificate() {
        return caCertificate;
    }

    @Override
    public String toString() {
        return "ElasticsearchSettings{url="
                + Redaction.url(url)
                + (username != null ? ", username=" + username + ", password=******" : "")
                + (apiKey != null ? ", apiKey=******" : "")
                + (caCertificate != null ? ", ca=" + caCertificate : "")
                + "}";
    }

    /**
     * Validates on build: a URL is required, basic auth needs both halves, one auth method only.
     */
    public static final class Builder {
        private String url;
        private String username;
        private String password;
        private String apiKey;
        private String caCertificate;

        private String urlUser;
        private String urlPassword;

        /** The URL; user info in it ({@code user:pass@}) is taken out and used as basic auth. */
        public Builder url(String url) {
            this.url = url;
            this.urlUser = null;
            this.urlPassword = null;
            if (url != null) {
                int scheme = url.indexOf("://");
                int hostStart = scheme < 0 ? 0 : scheme + 3;
                int pathStart = url.indexOf('/', hostStart);
                int at = url.lastIndexOf('@', pathStart < 0 ? url.length() : pathStart);
                if (scheme >= 0 && at > hostStart) {
                    String info = url.substring(hostStart, at);
                    int colon = info.indexOf(':');
                    this.urlUser = decode(colon < 0 ? info : info.substring(0, colon));
                    this.urlPassword = colon < 0 ? "" : decode(info.substring(colon + 1));
                    this.url = url.substring(0, hostStart) + url.substring(at + 1);
                }
            }
            return this;
        }

        private static String decode(String s) {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        public Builder basicAuth(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder caCertificate(String path) {
            this.caCertificate = path;
            return this;
        }

        public ElasticsearchSettings build() {
            // Explicit basic auth or an API key win over credentials in the URL.
            if (urlUser != null && username == null && password == null && apiKey == null) {
                username = urlUser;
                password = urlPassword;
            }
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException(
                        "Elasticsearch URL must start with http:// or https://, got "
                                + Redaction.url(url));
            }
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException(
                        "Elasticsearch basic auth needs both a user name and a password");
            }
            if (username != null && apiKey != null) {
                throw new IllegalArgumentException(
                        "use either basic auth or an API key for Elasticsearch, not both");
            }
            return new ElasticsearchSettings(this);
        }
    }
}
