package org.socengine.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The normalized event: one record of any source, with Elastic Common Schema (ECS) field names.
 *
 * <p>Fields are public and named exactly as in ECS (including snake_case) so that the same path
 * works in three places: the JSON document ({@code source.ip}), an Esper rule ({@code source.ip}),
 * and Flink's POJO serializer. Nested objects are created lazily by the {@code ensure*} methods so
 * that an event only carries what its source had; empty objects are left out of the JSON.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SecurityEvent implements java.io.Serializable {

    /** Event time in epoch milliseconds; serialized as ECS {@code @timestamp}. */
    @JsonIgnore public long timestamp;

    /**
     * When the record reached the engine's Kafka topic, epoch milliseconds (its Kafka timestamp); 0
     * when unknown (file replays). For the detection latency metrics; not in the JSON.
     */
    @JsonIgnore public long ingested;

    public Event event;
    public Organization organization;
    public Observer observer;
    public Endpoint source;
    public Endpoint destination;
    public Network network;
    public User user;
    public Host host;
    public Process process;
    public Dns dns;
    public Url url;
    public Http http;
    public UserAgent user_agent;
    public File file;

    /** ECS {@code group}: the group acted upon (created, deleted, a member added to it). */
    public Group group;

    public Rule rule;
    public Threat threat;

    /**
     * Fields of the source that have no ECS name, under the source's own names, so that rules (and
     * Sigma rules) can still reach them: {@code fields('LogonType')}.
     */
    public Map<String, String> fields;

    public SecurityEvent() {}

    @JsonProperty("@timestamp")
    public String getTimestampIso() {
        return Timestamps.format(timestamp);
    }

    @JsonProperty("@timestamp")
    public void setTimestampIso(String iso) {
        this.timestamp = Timestamps.parse(iso);
    }

    // Esper reads bean-style getters; the public fields serve Flink and Jackson.
    public long getTimestamp() {
        return timestamp;
    }

    public Event ensureEvent() {
        return event == null ? event = new Event() : event;
    }

    public Organization ensureOrganization() {
        return organization == null ? organization = new Organization() : organization;
    }

    public Observer ensureObserver() {
        return observer == null ? observer = new Observer() : observer;
    }

    public Endpoint ensureSource() {
        return source == null ? source = new Endpoint() : source;
    }

    public Endpoint ensureDestination() {
        return destination == null ? destination = new Endpoint() : destination;
    }

    public Network ensureNetwork() {
        return network == null ? network = new Network() : network;
    }

    public User ensureUser() {
        return user == null ? user = new User() : user;
    }

    public Host ensureHost() {
        return host == null ? host = new Host() : host;
    }

    public Process ensureProcess() {
        return process == null ? process = new Process() : process;
    }

    public Dns ensureDns() {
        return dns == null ? dns = new Dns() : dns;
    }

    public Url ensureUrl() {
        return url == null ? url = new Url() : url;
    }

    public Http ensureHttp() {
        return http == null ? http = new Http() : http;
    }

    public UserAgent ensureUserAgent() {
        return user_agent == null ? user_agent = new UserAgent() : user_agent;
    }

    public File ensureFile() {
        return file == null ? file = new File() : file;
    }

    public Group ensureGroup() {
        return group == null ? group = new Group() : group;
    }

    public Rule ensureRule() {
        return rule == null ? rule = new Rule() : rule;
    }

    public Threat ensureThreat() {
        return threat == null ? threat = new Threat() : threat;
    }

    /** Puts a source field that has no ECS name; null values are skipped. */
    public SecurityEvent field(String name, String value) {
        if (value != null) {
            if (fields == null) {
                fields = new LinkedHashMap<>();
            }
            fields.put(name, value);
        }
        return this;
    }

    /** The value of a dotted ECS path such as {@code source.ip}, or null. */
    public Object get(String path) {
        return EcsPaths.get(this, path);
    }

    /** The department this event belongs to, or null before attribution. */
    public String departmentId() {
        return organization == null ? null : organization.id;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Event implements java.io.Serializable {
        public String kind;
        public String category;
        public String type;
        public String action;
        public String outcome;
        public String dataset;
        public String module;
        public String code;
        public String provider;
        public Integer severity;
        public String original;
        public String id;

        public String getKind() {
            return kind;
        }

        public String getCategory() {
            return category;
        }

        public String getType() {
            return type;
        }

        public String getAction() {
            return action;
        }

        public String getOutcome() {
            return outcome;
        }

        public String getDataset() {
            return dataset;
        }

        public String getModule() {
            return module;
        }

        public String getCode() {
            return code;
        }

        public String getProvider() {
            return provider;
        }

        public Integer getSeverity() {
            return severity;
        }

        public String getOriginal() {
            return original;
        }

        public String getId() {
            return id;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Organization implements java.io.Serializable {
        public String id;
        public String name;

        public String getId() {
            return id;
        }

        public String getName() {
            return name;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Observer implements java.io.Serializable {
        public String name;
        public String hostname;
        public String ip;
        public String vendor;
        public String product;
        public String type;

        public String getName() {
            return name;
        }

        public String getHostname() {
            return hostname;
        }

        public String getIp() {
            return ip;
        }

        public String getVendor() {
            return vendor;
        }

        public String getProduct() {
            return product;
        }

        public String getType() {
            return type;
        }
    }

    /** ECS {@code source} and {@code destination}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Endpoint implements java.io.Serializable {
        public String ip;

        /**
         * ECS {@code address}: the address as the source wrote it when it is not an IP literal (a
         * host name, or a masked address such as {@code 10.1.2.x}).
         */
        public String address;

        public Integer port;
        public String domain;
        public Long bytes;
        public Long packets;
        public String mac;

        public String getIp() {
            return ip;
        }

        public Integer getPort() {
            return port;
        }

        public String getDomain() {
            return domain;
        }

        public Long getBytes() {
            return bytes;
        }

        public Long getPackets() {
            return packets;
        }

        public String getMac() {
            return mac;
        }

        public String getAddress() {
            return address;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Network implements java.io.Serializable {
        public String transport;
        public String protocol;
        public Long bytes;
        public Long packets;
        public String direction;
        public String community_id;

        public String getTransport() {
            return transport;
        }

        public String getProtocol() {
            return protocol;
        }

        public Long getBytes() {
            return bytes;
        }

        public Long getPackets() {
            return packets;
        }

        public String getDirection() {
            return direction;
        }

        public String getCommunity_id() {
            return community_id;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class User implements java.io.Serializable {
        public String name;
        public String domain;
        public String id;
        public Target target;
        public Group group;

        public String getName() {
            return name;
        }

        public String getDomain() {
            return domain;
        }

        public String getId() {
            return id;
        }

        public Target getTarget() {
            return target;
        }

        public Group getGroup() {
            return group;
        }

        public Target ensureTarget() {
            return target == null ? target = new Target() : target;
        }

        public Group ensureGroup() {
            return group == null ? group = new Group() : group;
        }
    }

    /** ECS {@code user.target}: the account acted upon (created, added to a group, switched to). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Target implements java.io.Serializable {
        public String name;
        public String domain;
        public String id;

        public String getName() {
            return name;
        }

        public String getDomain() {
            return domain;
        }

        public String getId() {
            return id;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Group implements java.io.Serializable {
        public String name;
        public String id;
        public String domain;

        public String getDomain() {
            return domain;
        }

        public String getName() {
            return name;
        }

        public String getId() {
            return id;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Host implements java.io.Serializable {
        public String name;
        public String hostname;
        public String ip;

        public String getName() {
            return name;
        }

        public String getHostname() {
            return hostname;
        }

        public String getIp() {
            return ip;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Process implements java.io.Serializable {
        public String name;
        public Long pid;
        public String executable;
        public String command_line;
        public ParentProcess parent;

        public String getName() {
            return name;
        }

        public Long getPid() {
            return pid;
        }

        public String getExecutable() {
            return executable;
        }

        public String getCommand_line() {
            return command_line;
        }

        public ParentProcess getParent() {
            return parent;
        }

        public ParentProcess ensureParent() {
            return parent == null ? parent = new ParentProcess() : parent;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class ParentProcess implements java.io.Serializable {
        public String name;
        public Long pid;
        public String executable;
        public String command_line;

        public String getName() {
            return name;
        }

        public Long getPid() {
            return pid;
        }

        public String getExecutable() {
            return executable;
        }

        public String getCommand_line() {
            return command_line;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Dns implements java.io.Serializable {
        public Question question;
        public String response_code;
        public String type;

        public Question getQuestion() {
            return question;
        }

        public String getResponse_code() {
            return response_code;
        }

        public String getType() {
            return type;
        }

        public Question ensureQuestion() {
            return question == null ? question = new Question() : question;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Question implements java.io.Serializable {
        public String name;
        public String type;
        public String registered_domain;

        public String getName() {
            return name;
        }

        public String getType() {
            return type;
        }

        public String getRegistered_domain() {
            return registered_domain;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Url implements java.io.Serializable {
        public String original;
        public String path;
        public String query;
        public String domain;

        public String getOriginal() {
            return original;
        }

        public String getPath() {
            return path;
        }

        public String getQuery() {
            return query;
        }

        public String getDomain() {
            return domain;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Http implements java.io.Serializable {
        public HttpRequest request;
        public HttpResponse response;

        public HttpRequest getRequest() {
            return request;
        }

        public HttpResponse getResponse() {
            return response;
        }

        public HttpRequest ensureRequest() {
            return request == null ? request = new HttpRequest() : request;
        }

        public HttpResponse ensureResponse() {
            return response == null ? response = new HttpResponse() : response;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HttpRequest implements java.io.Serializable {
        public String method;
        public String referrer;

        public String getMethod() {
            return method;
        }

        public String getReferrer() {
            return referrer;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HttpResponse implements java.io.Serializable {
        public Integer status_code;
        public Long bytes;

        public Integer getStatus_code() {
            return status_code;
        }

        public Long getBytes() {
            return bytes;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class UserAgent implements java.io.Serializable {
        public String original;

        public String getOriginal() {
            return original;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class File implements java.io.Serializable {
        public String path;
        public String name;

        public String getPath() {
            return path;
        }

        public String getName() {
            return name;
        }
    }

    /**
     * ECS {@code rule}: the rule of the device that logged the event (IDS signature, firewall
     * rule).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Rule implements java.io.Serializable {
        public String id;
        public String name;
        public String category;

        public String getId() {
            return id;
        }

        public String getName() {
            return name;
        }

        public String getCategory() {
            return category;
        }
    }

    /**
     * ECS {@code threat}: {@code enrichments} lists every indicator of the threat-intelligence feed
     * that matched the event (ECS {@code threat.enrichments}); {@code indicator} is the strongest
     * of them (highest confidence), the one rules read.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Threat implements java.io.Serializable {
        public Indicator indicator;
        public java.util.List<Enrichment> enrichments;

        public Indicator getIndicator() {
            return indicator;
        }

        public java.util.List<Enrichment> getEnrichments() {
            return enrichments;
        }

        public Indicator ensureIndicator() {
            return indicator == null ? indicator = new Indicator() : indicator;
        }
    }

    /** One ECS {@code threat.enrichments} entry: the indicator and what of the event matched it. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Enrichment implements java.io.Serializable {
        public Indicator indicator;
        public Matched matched;

        public Indicator getIndicator() {
            return indicator;
        }

        public Matched getMatched() {
            return matched;
        }
    }

    /**
     * ECS {@code threat.enrichments.matched}: the event field that matched ({@code field}), its
     * value ({@code atomic}), and how ({@code type}: {@code indicator_match_rule}).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Matched implements java.io.Serializable {
        public String atomic;
        public String field;
        public String type;

        public String getAtomic() {
            return atomic;
        }

        public String getField() {
            return field;
        }

        public String getType() {
            return type;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Indicator implements java.io.Serializable {
        public String type;
        public String value;
        public String provider;
        public Integer confidence;
        public String first_seen;
        public String last_seen;

        public String getFirst_seen() {
            return first_seen;
        }

        public String getLast_seen() {
            return last_seen;
        }

        public String getType() {
            return type;
        }

        public String getValue() {
            return value;
        }

        public String getProvider() {
            return provider;
        }

        public Integer getConfidence() {
            return confidence;
        }
    }

    // Bean getters for Esper, which reads properties through accessor methods.
    public Event getEvent() {
        return event;
    }

    public Organization getOrganization() {
        return organization;
    }

    public Observer getObserver() {
        return observer;
    }

    public Endpoint getSource() {
        return source;
    }

    public Endpoint getDestination() {
        return destination;
    }

    public Network getNetwork() {
        return network;
    }

    public User getUser() {
        return user;
    }

    public Host getHost() {
        return host;
    }

    public Process getProcess() {
        return process;
    }

    public Dns getDns() {
        return dns;
    }

    public Url getUrl() {
        return url;
    }

    public Http getHttp() {
        return http;
    }

    public UserAgent getUser_agent() {
        return user_agent;
    }

    public File getFile() {
        return file;
    }

    public Group getGroup() {
        return group;
    }

    public Rule getRule() {
        return rule;
    }

    public Threat getThreat() {
        return threat;
    }

    public Map<String, String> getFields() {
        return fields;
    }

    /** Esper: {@code fields('LogonType')}. */
    public String fields(String name) {
        return fields == null ? null : fields.get(name);
    }
}
