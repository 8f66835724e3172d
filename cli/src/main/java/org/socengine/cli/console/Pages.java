package org.socengine.cli.console;

import static org.socengine.cli.console.Html.text;
import static org.socengine.cli.console.Html.url;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.socengine.model.AttackTags;
import org.socengine.model.Json;
import org.socengine.model.Timestamps;
import org.socengine.rules.AttackCatalog;
import org.socengine.rules.RuleDefinition;

/**
 * The console's pages, rendered on the server. Every value goes through {@link Html#text} or {@link
 * Html#url}; the pages carry no script at all (the Content-Security-Policy forbids it), so an alert
 * whose fields hold markup can only ever be shown as text.
 */
final class Pages {

    private final Sessions.Session session;
    private final ConsoleUser user;
    private final String lang;
    private final ZoneId zone;

    Pages(Sessions.Session session) {
        this.session = session;
        this.user = session.user();
        this.lang = user.language();
        this.zone = user.zone();
    }

    String t(String key) {
        return text(Messages.get(lang, key));
    }

    String time(long millis) {
        if (millis <= 0) {
            return "-";
        }
        return text(
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                        .withZone(zone)
                        .format(Instant.ofEpochMilli(millis)));
    }

    String time(String iso) {
        if (iso == null || iso.isEmpty()) {
            return "-";
        }
        try {
            return time(Timestamps.parse(iso));
        } catch (RuntimeException e) {
            return text(iso);
        }
    }

    private String csrfField() {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(session.csrf()) + "\">";
    }

    /**
     * A count as its reader writes numbers (10,000 in English, 10.000 in Vietnamese), with a "+"
     * when it is a lower bound.
     */
    static String count(String lang, long n, boolean atLeast) {
        String digits = String.format(java.util.Locale.ROOT, "%,d", n);
        if (Messages.VI.equals(lang)) {
            digits = digits.replace(',', '.');
        }
        return atLeast ? digits + "+" : digits;
    }

    static String loginPage(String lang, String message) {
        return loginPage(lang, message, null, true);
    }

    /**
     * The login page: the password form when password login is on, and a link to the OIDC provider
     * (named {@code oidcName}) when one is configured.
     */
    static String loginPage(String lang, String message, String oidcName, boolean passwordLogin) {
        String l = Messages.EN.equals(lang) ? Messages.EN : Messages.VI;
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"")
                .append(l)
                .append("\"><head><meta charset=\"utf-8\"><title>")
                .append(text(Messages.get(l, "app")))
                .append(
                        "</title><link rel=\"stylesheet\" href=\"/static/console.css\"></head><body class=\"login\">")
                .append("<main><h1>")
                .append(text(Messages.get(l, "app")))
                .append("</h1>");
        if (message != null) {
            b.append("<p class=\"error\" id=\"login-error\">").append(text(message)).append("</p>");
        }
        if (oidcName != null) {
            b.append(
                            "<p class=\"oidc\"><a class=\"button\" id=\"oidc-login\" href=\"/oidc/login?lang=")
                    .append(l)
                    .append("\">")
                    .append(text(Messages.get(l, "login.oidc").replace("{0}", oidcName)))
                    .append("</a></p>");
        }
        if (!passwordLogin) {
            b.append(
                            "<p class=\"langs\"><a href=\"/login?lang=vi\">Tiếng Việt</a> · <a href=\"/login?lang=en\">English</a></p>")
                    .append("</main></body></html>");
            return b.toString();
        }
        b.append("<form method=\"post\" action=\"/login\"><label>")
                .append(text(Messages.get(l, "user")))
                .append(
                        " <input name=\"user\" id=\"user\" autocomplete=\"username\" required></label><label>")
                .append(text(Messages.get(l, "password")))
                .append(
                        " <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"current-password\" required></label>")
                .append("<button type=\"submit\" id=\"login\">")
                .append(text(Messages.get(l, "login")))
                .append("</button></form>")
                .append(
                        "<p class=\"langs\"><a href=\"/login?lang=vi\">Tiếng Việt</a> · <a href=\"/login?lang=en\">English</a></p>")
                .append("</main></body></html>");
        return b.toString();
    }

    /** The page after an OIDC sign-in: it moves on to {@code to} by itself, or by its link. */
    static String continuePage(String lang, String to) {
        String l = Messages.EN.equals(lang) ? Messages.EN : Messages.VI;
        return "<!DOCTYPE html><html lang=\""
                + l
                + "\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url="
                + text(to)
                + "\"><title>"
                + text(Messages.get(l, "app"))
                + "</title><link rel=\"stylesheet\" href=\"/static/console.css\"></head>"
                + "<body class=\"login\"><main><p><a id=\"continue\" href=\""
                + text(to)
                + "\">"
                + text(Messages.get(l, "oidc.continue"))
                + "</a></p></main></body></html>";
    }

    String layout(String title, String active, String flash, String body) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"")
                .append(lang)
                .append("\"><head><meta charset=\"utf-8\"><title>")
                .append(text(title))
                .append(" · ")
                .append(t("app"))
                .append(
                        "</title><link rel=\"stylesheet\" href=\"/static/console.css\"></head><body><header><nav>");
        for (String[] item :
                new String[][] {
                    {"alerts", "/alerts", "nav.alerts"},
                    {"incidents", "/incidents", "nav.incidents"},
                    {"overview", "/overview", "nav.overview"},
                    {"rules", "/rules", "nav.rules"}
                }) {
            b.append("<a href=\"")
                    .append(item[1])
                    .append("\"")
                    .append(item[0].equals(active) ? " class=\"active\"" : "")
                    .append(" id=\"nav-")
                    .append(item[0])
                    .append("\">")
                    .append(t(item[2]))
                    .append("</a>");
        }
        b.append("</nav><div class=\"who\"><span id=\"who\">")
                .append(text(user.name()))
                .append(" · ")
                .append(t("role." + user.role().label()))
                .append(" · ")
                .append(user.scope() == null ? t("scope.all") : text(user.scope()))
                .append("</span><form method=\"post\" action=\"/language\" class=\"inline\">")
                .append(csrfField())
                .append("<select name=\"lang\" aria-label=\"")
                .append(t("language"))
                .append("\"><option value=\"vi\"")
                .append(lang.equals("vi") ? " selected" : "")
                .append(">Tiếng Việt</option><option value=\"en\"")
                .append(lang.equals("en") ? " selected" : "")
                .append(">English</option></select><button type=\"submit\" id=\"set-language\">")
                .append(t("language"))
                .append(
                        "</button></form><form method=\"post\" action=\"/logout\" class=\"inline\">")
                .append(csrfField())
                .append("<button type=\"submit\" id=\"logout\">")
                .append(t("logout"))
                .append("</button></form></div></header><main>");
        if (flash != null) {
            b.append("<p class=\"flash\" id=\"flash\">").append(text(flash)).append("</p>");
        }
        b.append("<h1>")
                .append(text(title))
                .append("</h1>")
                .append(body)
                .append("</main></body></html>");
        return b.toString();
    }

    // ---- alert queue ----

    String queue(AlertQueueFilter f, ConsoleData.Choices choices, ConsoleData.Page page) {
        StringBuilder b = new StringBuilder();
        b.append("<form method=\"get\" action=\"/alerts\" class=\"filters\" id=\"filters\">");
        if (user.scope() == null) {
            select(b, "department", t("department"), choices.departments(), f.department(), null);
        }
        select(b, "severity", t("severity"), RuleDefinition.SEVERITIES, f.severity(), "sev.");
        select(
                b,
                "status",
                t("status"),
                List.of("open", "acknowledged", "closed"),
                f.status(),
                "status.");
        b.append("<label>")
                .append(t("rule"))
                .append(" <select name=\"rule\" id=\"f-rule\"><option value=\"\">")
                .append(t("any"))
                .append("</option>");
        choices.rules()
                .forEach(
                        (id, name) ->
                                b.append("<option value=\"")
                                        .append(text(id))
                                        .append("\"")
                                        .append(id.equals(f.rule()) ? " selected" : "")
                                        .append(">")
                                        .append(text(name))
                                        .append("</option>"));
        b.append("</select></label>");
        select(b, "tactic", t("tactic"), choices.tactics(), f.tactic(), null);
        b.append("<label>").append(t("since")).append(" <select name=\"range\" id=\"f-range\">");
        for (String r : AlertQueueFilter.RANGES) {
            b.append("<option value=\"")
                    .append(r)
                    .append("\"")
                    .append(r.equals(f.range()) ? " selected" : "")
                    .append(">")
                    .append(t("range." + r))
                    .append("</option>");
        }
        b.append("</select></label>");
        DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(zone);
        b.append("<label>")
                .append(t("from"))
                .append(" <input type=\"datetime-local\" name=\"from\" value=\"")
                .append(f.from() == null ? "" : text(local.format(f.from())))
                .append("\"></label><label>")
                .append(t("to"))
                .append(" <input type=\"datetime-local\" name=\"to\" value=\"")
                .append(f.to() == null ? "" : text(local.format(f.to())))
                .append("\"></label><label>")
                .append(t("text"))
                .append(" <input type=\"search\" name=\"q\" id=\"f-q\" value=\"")
                .append(text(f.text()))
                .append("\"></label><button type=\"submit\" id=\"apply\">")
                .append(t("filter"))
                .append("</button></form>");
        b.append("<p class=\"count\" id=\"total\">")
                .append(text(count(lang, page.total(), page.atLeast())))
                .append(" ")
                .append(t("total"))
                .append("</p>");
        alertTable(b, page.alerts(), "queue");
        b.append("<p class=\"paging\">");
        if (f.after() != null) {
            b.append("<a href=\"/alerts?")
                    .append(query(f.withAfter(null)))
                    .append("\">")
                    .append(t("first"))
                    .append("</a> ");
        }
        if (page.next() != null) {
            b.append("<a id=\"next\" href=\"/alerts?")
                    .append(query(f.withAfter(page.next())))
                    .append("\">")
                    .append(t("next"))
                    .append("</a>");
        }
        b.append("</p>");
        return b.toString();
    }

    private String query(AlertQueueFilter f) {
        List<String> p = new ArrayList<>();
        add(p, "department", f.department());
        add(p, "severity", f.severity());
        add(p, "status", f.status());
        add(p, "rule", f.rule());
        add(p, "tactic", f.tactic());
        add(p, "range", f.range());
        DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(zone);
        add(p, "from", f.from() == null ? null : local.format(f.from()));
        add(p, "to", f.to() == null ? null : local.format(f.to()));
        add(p, "q", f.text());
        add(p, "after", f.after() == null ? null : f.after().encode());
        return text(String.join("&", p));
    }

    private static void add(List<String> p, String name, String value) {
        if (value != null) {
            p.add(name + "=" + url(value));
        }
    }

    private void select(
            StringBuilder b,
            String name,
            String label,
            List<String> values,
            String selected,
            String wordPrefix) {
        b.append("<label>")
                .append(label)
                .append(" <select name=\"")
                .append(name)
                .append("\" id=\"f-")
                .append(name)
                .append("\"><option value=\"\">")
                .append(t("any"))
                .append("</option>");
        for (String v : values) {
            b.append("<option value=\"")
                    .append(text(v))
                    .append("\"")
                    .append(v.equals(selected) ? " selected" : "")
                    .append(">")
                    .append(wordPrefix == null ? text(v) : t(wordPrefix + v))
                    .append("</option>");
        }
        b.append("</select></label>");
    }

    void alertTable(StringBuilder b, List<ObjectNode> alerts, String id) {
        if (alerts.isEmpty()) {
            b.append("<p class=\"none\">").append(t("none")).append("</p>");
            return;
        }
        b.append("<table class=\"alerts\" id=\"")
                .append(id)
                .append("\"><thead><tr><th>")
                .append(t("time"))
                .append("</th><th>")
                .append(t("department"))
                .append("</th><th>")
                .append(t("severity"))
                .append("</th><th>")
                .append(t("rule"))
                .append("</th><th>")
                .append(t("entity"))
                .append("</th><th>")
                .append(t("count"))
                .append("</th><th>")
                .append(t("status"))
                .append("</th></tr></thead><tbody>");
        for (ObjectNode a : alerts) {
            JsonNode al = a.path("alert");
            String sev = a.path("rule").path("severity").asText("");
            String status = al.path("status").asText("open");
            b.append("<tr class=\"alert-row\" data-id=\"")
                    .append(text(al.path("id").asText()))
                    .append("\"><td>")
                    .append(time(a.path("@timestamp").asText()))
                    .append("</td><td>")
                    .append(text(a.path("organization").path("id").asText("-")))
                    .append("</td><td><span class=\"sev sev-")
                    .append(text(sev))
                    .append("\">")
                    .append(t("sev." + sev))
                    .append("</span></td><td><a class=\"alert-link\" href=\"/alerts/")
                    .append(url(al.path("id").asText()))
                    .append("\">")
                    .append(al.path("meta").asBoolean() ? "[meta] " : "")
                    .append(text(a.path("rule").path("name").asText("-")))
                    .append("</a></td><td>")
                    .append(text(al.path("group_key").asText("-")))
                    .append("</td><td>")
                    .append(al.path("count").asLong())
                    .append("</td><td class=\"status\">")
                    .append(t("status." + status))
                    .append(
                            al.hasNonNull("disposition")
                                    ? " / " + t("disp." + al.path("disposition").asText())
                                    : "")
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
    }

    // ---- one alert ----

    String alert(
            ObjectNode a,
            RuleDefinition rule,
            List<ObjectNode> related,
            List<ObjectNode> incidents) {
        JsonNode al = a.path("alert");
        String id = al.path("id").asText();
        String status = al.path("status").asText("open");
        StringBuilder b = new StringBuilder();
        b.append("<dl class=\"facts\" id=\"facts\">");
        fact(
                b,
                t("status"),
                "<span id=\"alert-status\">"
                        + text(status)
                        + "</span>"
                        + (al.hasNonNull("disposition")
                                ? " / " + text(al.path("disposition").asText())
                                : "")
                        + (al.hasNonNull("status_by")
                                ? " "
                                        + t("by")
                                        + " "
                                        + text(al.path("status_by").asText())
                                        + " "
                                        + time(al.path("status_changed_at").asText())
                                : "")
                        + (al.hasNonNull("status_comment")
                                ? "<br><q>" + text(al.path("status_comment").asText()) + "</q>"
                                : ""));
        fact(
                b,
                t("severity"),
                "<span class=\"sev sev-"
                        + text(a.path("rule").path("severity").asText())
                        + "\">"
                        + t("sev." + a.path("rule").path("severity").asText())
                        + "</span> ("
                        + t("risk")
                        + " "
                        + text(a.path("rule").path("risk_score").asText())
                        + ")");
        fact(
                b,
                t("rule"),
                text(a.path("rule").path("name").asText())
                        + " <code>"
                        + text(a.path("rule").path("id").asText())
                        + "</code> v"
                        + text(a.path("rule").path("version").asText()));
        fact(
                b,
                t("department"),
                text(a.path("organization").path("id").asText("-"))
                        + " "
                        + text(a.path("organization").path("name").asText("")));
        fact(
                b,
                t("entity"),
                "<span id=\"entity\">" + text(al.path("group_key").asText("-")) + "</span>");
        fact(b, t("time"), time(a.path("@timestamp").asText()) + " (" + text(zone.getId()) + ")");
        fact(
                b,
                t("window"),
                time(al.path("window").path("start").asText())
                        + " – "
                        + time(al.path("window").path("end").asText()));
        fact(
                b,
                t("count"),
                text(al.path("count").asText())
                        + " · "
                        + t("suppressed")
                        + " "
                        + text(al.path("suppressed_count").asText("0")));
        StringBuilder attack = new StringBuilder();
        JsonNode tactics = a.path("threat").path("tactic");
        for (int i = 0; i < tactics.path("id").size(); i++) {
            String tid = tactics.path("id").get(i).asText();
            String name = tactics.path("name").path(i).asText(tid);
            if (tid.matches("TA\\d{4}")) {
                attack.append("<a href=\"https://attack.mitre.org/tactics/")
                        .append(tid)
                        .append("/\">")
                        .append(text(tid + " " + name))
                        .append("</a> ");
            }
        }
        for (JsonNode tn : a.path("threat").path("technique").path("id")) {
            String tid = tn.asText();
            if (tid.matches("T\\d{4}(\\.\\d{3})?")) {
                AttackCatalog.Technique tech = AttackCatalog.technique(tid);
                attack.append("<a href=\"https://attack.mitre.org/techniques/")
                        .append(tid.replace('.', '/'))
                        .append("/\">")
                        .append(text(tid + (tech == null ? "" : " " + tech.name())))
                        .append("</a> ");
            }
        }
        fact(b, "ATT&amp;CK", attack.length() == 0 ? "-" : attack.toString());
        if (al.has("details")) {
            StringBuilder d = new StringBuilder();
            al.path("details")
                    .fields()
                    .forEachRemaining(
                            e ->
                                    d.append("<code>")
                                            .append(text(e.getKey()))
                                            .append("</code>=")
                                            .append(text(e.getValue().asText()))
                                            .append(" "));
            fact(b, "details", d.toString());
        }
        b.append("</dl>");

        if (!"closed".equals(status)) {
            b.append("<section class=\"actions\">");
            if ("open".equals(status)) {
                b.append("<form method=\"post\" action=\"/alerts/")
                        .append(url(id))
                        .append("/status\" class=\"inline\">")
                        .append(csrfField())
                        .append(
                                "<input type=\"hidden\" name=\"action\" value=\"ack\"><button type=\"submit\" id=\"ack\">")
                        .append(t("ack"))
                        .append("</button></form>");
            }
            b.append("<form method=\"post\" action=\"/alerts/")
                    .append(url(id))
                    .append("/status\" class=\"inline\">")
                    .append(csrfField())
                    .append("<input type=\"hidden\" name=\"action\" value=\"close\">");
            dispositionSelect(b);
            b.append("<label>")
                    .append(t("note"))
                    .append(" <input name=\"note\" id=\"note\" maxlength=\"2000\"></label>")
                    .append("<button type=\"submit\" id=\"close\">")
                    .append(t("close"))
                    .append("</button></form></section>");
        }

        b.append("<section><h2>").append(t("triage")).append("</h2>");
        if (rule == null) {
            b.append("<p class=\"none\">").append(t("rule.file.missing")).append("</p>");
        } else {
            if (rule.description() != null) {
                b.append("<p>").append(text(rule.description())).append("</p>");
            }
            b.append("<pre class=\"triage\" id=\"triage\">")
                    .append(text(rule.triage()))
                    .append("</pre>");
            if (rule.falsePositives() != null && !rule.falsePositives().isEmpty()) {
                b.append("<h3>")
                        .append(t("false_positives"))
                        .append("</h3><ul id=\"false-positives\">");
                rule.falsePositives()
                        .forEach(fp -> b.append("<li>").append(text(fp)).append("</li>"));
                b.append("</ul>");
            }
            if (rule.references() != null && !rule.references().isEmpty()) {
                b.append("<h3>").append(t("references")).append("</h3><ul>");
                for (String r : rule.references()) {
                    b.append("<li>")
                            .append(
                                    Html.safeLink(r)
                                            ? "<a href=\""
                                                    + text(r)
                                                    + "\" rel=\"noreferrer\">"
                                                    + text(r)
                                                    + "</a>"
                                            : text(r))
                            .append("</li>");
                }
                b.append("</ul>");
            }
        }
        b.append("</section>");

        b.append("<section><h2>").append(t("evidence")).append("</h2>");
        JsonNode evidence = al.path("evidence");
        if (evidence.isEmpty()) {
            b.append("<p class=\"none\">").append(t("none")).append("</p>");
        }
        int n = 0;
        for (JsonNode e : evidence) {
            n++;
            b.append("<details class=\"event\"")
                    .append(n <= 3 ? " open" : "")
                    .append("><summary>")
                    .append(time(e.path("@timestamp").asText()))
                    .append(" · ")
                    .append(
                            text(
                                    e.path("event")
                                            .path("action")
                                            .asText(e.path("event").path("dataset").asText(""))))
                    .append(" · ")
                    .append(text(e.path("source").path("ip").asText("")))
                    .append("</summary><pre>");
            try {
                b.append(
                        text(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(e)));
            } catch (Exception ex) {
                b.append(text(e.toString()));
            }
            b.append("</pre></details>");
        }
        b.append("</section>");

        b.append("<section><h2>").append(t("incident.same")).append("</h2>");
        incidentTable(b, incidents);
        b.append("</section><section><h2>").append(t("related")).append("</h2>");
        alertTable(b, related, "related");
        b.append("</section>");
        return b.toString();
    }

    private void dispositionSelect(StringBuilder b) {
        b.append("<label>")
                .append(t("disposition"))
                .append(" <select name=\"disposition\" id=\"disposition\">");
        for (String d : List.of("true_positive", "benign", "false_positive")) {
            b.append("<option value=\"")
                    .append(d)
                    .append("\">")
                    .append(t("disp." + d))
                    .append("</option>");
        }
        b.append("</select></label>");
    }

    private static void fact(StringBuilder b, String label, String html) {
        b.append("<dt>").append(label).append("</dt><dd>").append(html).append("</dd>");
    }

    // ---- incidents ----

    void incidentTable(StringBuilder b, List<ObjectNode> incidents) {
        if (incidents.isEmpty()) {
            b.append("<p class=\"none\">").append(t("none")).append("</p>");
            return;
        }
        b.append("<table class=\"incidents\"><thead><tr><th>ID</th><th>")
                .append(t("department"))
                .append("</th><th>")
                .append(t("severity"))
                .append("</th><th>")
                .append(t("risk"))
                .append("</th><th>")
                .append(t("status"))
                .append("</th><th>")
                .append(t("entity"))
                .append("</th><th>")
                .append(t("tier"))
                .append("</th><th>")
                .append(t("last.event"))
                .append("</th></tr></thead><tbody>");
        for (ObjectNode d : incidents) {
            JsonNode i = d.path("incident");
            String id = i.path("id").asText();
            b.append("<tr><td><a href=\"/incidents/")
                    .append(url(id))
                    .append("\">")
                    .append(text(id))
                    .append("</a></td><td>")
                    .append(text(d.path("organization").path("id").asText("-")))
                    .append("</td><td>")
                    .append(t("sev." + i.path("severity").asText()))
                    .append("</td><td>")
                    .append(text(i.path("risk").asText()))
                    .append("</td><td>")
                    .append(t("status." + i.path("status").asText("open")))
                    .append("</td><td>")
                    .append(
                            text(
                                    i.path("entity").path("kind").asText("")
                                            + " "
                                            + i.path("entity").path("value").asText("")))
                    .append("</td><td>")
                    .append(
                            text(
                                    i.path("tier_reached").asInt(-1) < 0
                                            ? "-"
                                            : i.path("tier_reached").asText()
                                                    + " "
                                                    + i.path("tier_name").asText("")))
                    .append("</td><td>")
                    .append(time(i.path("last_seen").asText()))
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
    }

    String incidents(List<ObjectNode> list) {
        StringBuilder b = new StringBuilder();
        incidentTable(b, list);
        return b.toString();
    }

    String incident(ObjectNode d) {
        JsonNode i = d.path("incident");
        String id = i.path("id").asText();
        String status = i.path("status").asText("open");
        StringBuilder b = new StringBuilder("<dl class=\"facts\">");
        fact(
                b,
                t("status"),
                "<span id=\"incident-status\">"
                        + text(status)
                        + "</span>"
                        + (i.hasNonNull("disposition")
                                ? " / " + text(i.path("disposition").asText())
                                : "")
                        + (i.hasNonNull("status_by")
                                ? " " + t("by") + " " + text(i.path("status_by").asText())
                                : ""));
        fact(b, t("department"), text(d.path("organization").path("id").asText("-")));
        fact(
                b,
                t("entity"),
                text(
                        i.path("entity").path("kind").asText("")
                                + " "
                                + i.path("entity").path("value").asText("")));
        fact(
                b,
                t("severity"),
                t("sev." + i.path("severity").asText())
                        + " ("
                        + t("risk")
                        + " "
                        + text(i.path("risk").asText())
                        + ")");
        StringBuilder tactics = new StringBuilder();
        i.path("tactics").forEach(x -> tactics.append(text(x.asText())).append(" "));
        fact(b, t("tactic"), tactics.toString());
        b.append("</dl>");
        if (!"closed".equals(status)) {
            b.append("<section class=\"actions\">");
            if ("open".equals(status)) {
                b.append("<form method=\"post\" action=\"/incidents/")
                        .append(url(id))
                        .append("/status\" class=\"inline\">")
                        .append(csrfField())
                        .append(
                                "<input type=\"hidden\" name=\"action\" value=\"ack\"><button type=\"submit\" id=\"ack\">")
                        .append(t("ack"))
                        .append("</button></form>");
            }
            b.append("<form method=\"post\" action=\"/incidents/")
                    .append(url(id))
                    .append("/status\" class=\"inline\">")
                    .append(csrfField())
                    .append("<input type=\"hidden\" name=\"action\" value=\"close\">");
            dispositionSelect(b);
            b.append("<label>")
                    .append(t("note"))
                    .append(
                            " <input name=\"note\" maxlength=\"2000\"></label><button type=\"submit\" id=\"close\">")
                    .append(t("close"))
                    .append("</button></form></section>");
        }
        // The timeline: the member alerts, the tiers and notifications, the status change.
        record Step(long at, String what) {}
        List<Step> steps = new ArrayList<>();
        for (JsonNode m : i.path("alerts")) {
            steps.add(
                    new Step(
                            millis(m.path("at").asText()),
                            t("alert")
                                    + ": <a href=\"/alerts/"
                                    + url(m.path("id").asText())
                                    + "\">"
                                    + text(m.path("rule_name").asText(m.path("rule_id").asText()))
                                    + "</a> ("
                                    + text(m.path("severity").asText())
                                    + ")"));
        }
        for (JsonNode s : i.path("notifications")) {
            String ok =
                    s.path("ok").isMissingNode() || s.path("ok").isNull()
                            ? "pending"
                            : s.path("ok").asBoolean()
                                    ? "sent"
                                    : "failed " + s.path("error").asText("");
            steps.add(
                    new Step(
                            millis(s.path("at").asText()),
                            t("tier")
                                    + " "
                                    + text(s.path("tier").asText())
                                    + " · "
                                    + t("channel")
                                    + " "
                                    + text(s.path("channel").asText())
                                    + " · "
                                    + text(s.path("kind").asText(""))
                                    + " · "
                                    + t("outcome")
                                    + " "
                                    + text(ok)));
        }
        if (i.hasNonNull("status_changed_at")) {
            steps.add(
                    new Step(
                            millis(i.path("status_changed_at").asText()),
                            t("status")
                                    + ": "
                                    + text(status)
                                    + " "
                                    + t("by")
                                    + " "
                                    + text(i.path("status_by").asText(""))
                                    + (i.hasNonNull("status_comment")
                                            ? " — " + text(i.path("status_comment").asText())
                                            : "")));
        }
        steps.sort(Comparator.comparingLong(Step::at));
        b.append("<section><h2>")
                .append(t("timeline"))
                .append("</h2><ol class=\"timeline\" id=\"timeline\">");
        for (Step s : steps) {
            b.append("<li><time>")
                    .append(time(s.at()))
                    .append("</time> ")
                    .append(s.what())
                    .append("</li>");
        }
        b.append("</ol></section>");
        return b.toString();
    }

    private static long millis(String iso) {
        try {
            return Timestamps.parse(iso);
        } catch (RuntimeException e) {
            try {
                return Long.parseLong(iso);
            } catch (NumberFormatException n) {
                return 0;
            }
        }
    }

    // ---- overview ----

    String overview(
            String range,
            ConsoleData.Overview o,
            Set<String> covered,
            List<SourceHealth.Source> sources,
            boolean sourcesConfigured,
            String sourcesError,
            long now) {
        StringBuilder b = new StringBuilder();
        b.append("<form method=\"get\" action=\"/overview\" class=\"filters\"><label>")
                .append(t("since"))
                .append(" <select name=\"range\">");
        for (String r : AlertQueueFilter.RANGES) {
            b.append("<option value=\"")
                    .append(r)
                    .append("\"")
                    .append(r.equals(range) ? " selected" : "")
                    .append(">")
                    .append(t("range." + r))
                    .append("</option>");
        }
        b.append("</select></label><button type=\"submit\">")
                .append(t("filter"))
                .append("</button></form>");
        b.append("<p class=\"count\" id=\"overview-total\">")
                .append(o.total())
                .append(" ")
                .append(t("nav.alerts"))
                .append("</p>");
        b.append("<div class=\"grid\"><section><h2>")
                .append(t("alerts.over.time.severity"))
                .append("</h2>")
                .append(
                        Charts.stacked(
                                o.bySeverity(),
                                Charts.SEVERITY_COLOURS,
                                zone,
                                Messages.get(lang, "alerts.over.time.severity")))
                .append("</section><section><h2>")
                .append(t("alerts.over.time.department"))
                .append("</h2>")
                .append(
                        Charts.stacked(
                                o.byDepartment(),
                                null,
                                zone,
                                Messages.get(lang, "alerts.over.time.department")))
                .append("</section></div>");
        b.append("<div class=\"grid\"><section><h2>").append(t("top.rules")).append("</h2>");
        countTable(b, o.topRules(), "rule");
        b.append("</section><section><h2>").append(t("top.entities")).append("</h2>");
        countTable(b, o.topEntities(), "q");
        b.append("</section></div>");

        b.append("<section><h2>")
                .append(t("matrix"))
                .append("</h2><p class=\"legend\">")
                .append(t("matrix.legend"))
                .append("</p>");
        matrix(b, o.techniques(), covered);
        b.append("</section>");

        b.append("<section><h2>").append(t("sources")).append("</h2>");
        if (!sourcesConfigured) {
            b.append("<p class=\"none\">").append(t("sources.none")).append("</p>");
        } else if (sourcesError != null) {
            b.append("<p class=\"error\">").append(text(sourcesError)).append("</p>");
        } else if (sources.isEmpty()) {
            b.append("<p class=\"none\">").append(t("none")).append("</p>");
        } else {
            b.append("<table id=\"sources\"><thead><tr><th>")
                    .append(t("department"))
                    .append("</th><th>")
                    .append(t("source"))
                    .append("</th><th>")
                    .append(t("last.event"))
                    .append("</th><th>")
                    .append(t("silent.for"))
                    .append("</th></tr></thead><tbody>");
            for (SourceHealth.Source s : sources) {
                Duration silent = Duration.ofMillis(Math.max(0, now - s.lastEventMillis()));
                b.append("<tr")
                        .append(silent.toMinutes() >= 30 ? " class=\"silent\"" : "")
                        .append("><td>")
                        .append(text(s.department()))
                        .append("</td><td>")
                        .append(text(s.source()))
                        .append("</td><td>")
                        .append(time(s.lastEventMillis()))
                        .append("</td><td>")
                        .append(text(age(silent)))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("</section>");
        return b.toString();
    }

    static String age(Duration d) {
        if (d.toMinutes() < 1) {
            return d.toSeconds() + "s";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + "m";
        }
        if (d.toDays() < 1) {
            return d.toHours() + "h" + String.format("%02d", d.toMinutesPart()) + "m";
        }
        return d.toDays() + "d" + String.format("%02d", d.toHoursPart()) + "h";
    }

    private void countTable(StringBuilder b, Map<String, Long> counts, String param) {
        if (counts.isEmpty()) {
            b.append("<p class=\"none\">").append(t("none")).append("</p>");
            return;
        }
        b.append("<table><tbody>");
        counts.forEach(
                (k, v) ->
                        b.append("<tr><td><a href=\"/alerts?range=all&amp;")
                                .append(param)
                                .append("=")
                                .append(text(url(k)))
                                .append("\">")
                                .append(text(k))
                                .append("</a></td><td class=\"num\">")
                                .append(v)
                                .append("</td></tr>"));
        b.append("</tbody></table>");
    }

    private static final List<String> TACTIC_ORDER =
            List.of(
                    "reconnaissance",
                    "resource_development",
                    "initial_access",
                    "execution",
                    "persistence",
                    "privilege_escalation",
                    "defense_evasion",
                    "credential_access",
                    "discovery",
                    "lateral_movement",
                    "collection",
                    "command_and_control",
                    "exfiltration",
                    "impact");

    private void matrix(StringBuilder b, Map<String, Long> alerted, Set<String> covered) {
        Map<String, List<AttackCatalog.Technique>> columns = new LinkedHashMap<>();
        TACTIC_ORDER.forEach(tc -> columns.put(tc, new ArrayList<>()));
        Map<String, Integer> uncovered = new LinkedHashMap<>();
        for (AttackCatalog.Technique tech : AttackCatalog.techniques().values()) {
            boolean show = covered.contains(tech.id()) || alerted.containsKey(tech.id());
            for (String tc : tech.tactics()) {
                if (!columns.containsKey(tc)) {
                    continue;
                }
                if (show) {
                    columns.get(tc).add(tech);
                } else {
                    uncovered.merge(tc, 1, Integer::sum);
                }
            }
        }
        long max = alerted.values().stream().mapToLong(Long::longValue).max().orElse(1);
        b.append("<div class=\"matrix\" id=\"matrix\">");
        columns.forEach(
                (tc, techs) -> {
                    b.append("<div class=\"tactic\"><h3>")
                            .append(text(AttackTags.TACTICS.get(tc)[1]))
                            .append("</h3>");
                    for (AttackCatalog.Technique tech : techs) {
                        long n = alerted.getOrDefault(tech.id(), 0L);
                        int heat =
                                n == 0
                                        ? 0
                                        : (int) Math.max(1, Math.min(4, Math.ceil(4.0 * n / max)));
                        b.append("<div class=\"cell heat-")
                                .append(heat)
                                .append(covered.contains(tech.id()) ? " covered" : "")
                                .append("\" title=\"")
                                .append(text(tech.id() + " " + tech.name() + ": " + n))
                                .append("\">")
                                .append(text(tech.id()))
                                .append(" ")
                                .append(text(tech.name()))
                                .append(n > 0 ? " <b>" + n + "</b>" : "")
                                .append("</div>");
                    }
                    int u = uncovered.getOrDefault(tc, 0);
                    if (u > 0) {
                        b.append("<div class=\"cell gap\">+").append(u).append("</div>");
                    }
                    b.append("</div>");
                });
        b.append("</div>");
    }

    // ---- rule health ----

    String rules(Map<String, RuleDefinition> library, Map<String, ConsoleData.RuleHealth> health) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        StringBuilder b = new StringBuilder();
        b.append("<table id=\"rule-health\"><thead><tr><th>")
                .append(t("rule"))
                .append("</th><th>")
                .append(t("severity"))
                .append("</th><th>")
                .append(t("status"))
                .append("</th><th>")
                .append(t("alerts.count"))
                .append("</th><th>")
                .append(t("last.fired"))
                .append("</th><th>")
                .append(t("suppressed"))
                .append("</th><th>")
                .append(t("budget.trips"))
                .append("</th></tr></thead><tbody>");
        List<String> ids = new ArrayList<>(health.keySet());
        library.keySet().stream().filter(id -> !health.containsKey(id)).forEach(ids::add);
        for (String id : ids) {
            RuleDefinition r = library.get(id);
            ConsoleData.RuleHealth h = health.get(id);
            b.append("<tr><td>")
                    .append(
                            h != null && h.alerts() > 0
                                    ? "<a href=\"/alerts?range=all&amp;rule="
                                            + text(url(id))
                                            + "\">"
                                            + text(r != null ? r.name() : h.name())
                                            + "</a>"
                                    : text(r != null ? r.name() : h.name()))
                    .append(" <code>")
                    .append(text(id))
                    .append("</code></td><td>")
                    .append(r == null ? "-" : t("sev." + r.severity()))
                    .append("</td><td>")
                    .append(r == null ? "-" : text(r.status() + (r.enabled() ? "" : " (disabled)")))
                    .append("</td><td class=\"num\">")
                    .append(h == null ? 0 : h.alerts())
                    .append("</td><td>")
                    .append(
                            h == null || h.lastFiredMillis() == 0
                                    ? t("never")
                                    : time(h.lastFiredMillis()))
                    .append("</td><td class=\"num\">")
                    .append(h == null ? 0 : h.suppressed())
                    .append("</td><td class=\"num\">")
                    .append(h == null ? 0 : h.budgetTrips())
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
        rows.clear();
        return b.toString();
    }
}
