package org.socengine.cli.console;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's words in Vietnamese (the analysts' first language, the default) and English. A key
 * missing in one language falls back to the other, then to the key itself, so a page never breaks
 * over a word.
 */
public final class Messages {

    public static final String VI = "vi";
    public static final String EN = "en";
    public static final List<String> LANGUAGES = List.of(VI, EN);

    private static final Map<String, String> EN_WORDS = new HashMap<>();
    private static final Map<String, String> VI_WORDS = new HashMap<>();

    private static void w(String key, String en, String vi) {
        EN_WORDS.put(key, en);
        VI_WORDS.put(key, vi);
    }

    static {
        w("app", "SOC console", "Bảng điều khiển SOC");
        w("login", "Log in", "Đăng nhập");
        w("logout", "Log out", "Đăng xuất");
        w("user", "User", "Người dùng");
        w("password", "Password", "Mật khẩu");
        w("login.failed", "Wrong user or password.", "Sai tên đăng nhập hoặc mật khẩu.");
        w(
                "login.locked",
                "Too many wrong passwords: this login is locked for a while.",
                "Nhập sai mật khẩu quá nhiều lần: tài khoản bị khóa tạm thời.");
        w("login.oidc", "Sign in with {0}", "Đăng nhập qua {0}");
        w(
                "login.password.off",
                "Password login is off: sign in through the identity provider.",
                "Đăng nhập bằng mật khẩu đã tắt: hãy đăng nhập qua nhà cung cấp định danh.");
        w(
                "oidc.no.role",
                "You signed in, but your account has no role in this console (analyst, department"
                        + " liaison or admin). Ask the SOC's administrator to give it one.",
                "Bạn đã đăng nhập, nhưng tài khoản chưa được cấp vai trò nào trong bảng điều khiển"
                        + " này (chuyên viên phân tích, cán bộ đầu mối đơn vị hoặc quản trị). Hãy"
                        + " đề nghị quản trị viên SOC cấp quyền.");
        w(
                "oidc.no.department",
                "Your account is a department liaison but names no department. Ask the SOC's"
                        + " administrator to set it.",
                "Tài khoản của bạn là cán bộ đầu mối nhưng chưa gắn với đơn vị nào. Hãy đề nghị"
                        + " quản trị viên SOC bổ sung.");
        w(
                "oidc.refused",
                "The sign-in could not be verified. Try again from this page.",
                "Không xác thực được lần đăng nhập này. Hãy thử lại từ trang này.");
        w(
                "oidc.provider",
                "The identity provider cannot be reached right now.",
                "Hiện không kết nối được tới nhà cung cấp định danh.");
        w(
                "oidc.continue",
                "Signed in: continue to the alerts.",
                "Đã đăng nhập: tới trang cảnh báo.");
        w("nav.alerts", "Alerts", "Cảnh báo");
        w("nav.incidents", "Incidents", "Sự cố");
        w("nav.overview", "Overview", "Tổng quan");
        w("nav.rules", "Rule health", "Tình trạng luật");
        w("department", "Department", "Đơn vị");
        w("severity", "Severity", "Mức độ");
        w("status", "Status", "Trạng thái");
        w("rule", "Rule", "Luật");
        w("tactic", "ATT&CK tactic", "Chiến thuật ATT&CK");
        w("technique", "Technique", "Kỹ thuật");
        w("since", "Time range", "Khoảng thời gian");
        w("from", "From", "Từ");
        w("to", "To", "Đến");
        w("text", "Search", "Tìm kiếm");
        w("filter", "Filter", "Lọc");
        w("any", "(any)", "(tất cả)");
        w("time", "Time", "Thời gian");
        w("entity", "Entity", "Đối tượng");
        w("count", "Count", "Số lần");
        w("next", "Next page", "Trang sau");
        w("first", "First page", "Trang đầu");
        w("none", "Nothing to show.", "Không có dữ liệu.");
        w("status.open", "open", "mới");
        w("status.acknowledged", "acknowledged", "đã tiếp nhận");
        w("status.closed", "closed", "đã đóng");
        w("sev.low", "low", "thấp");
        w("sev.medium", "medium", "trung bình");
        w("sev.high", "high", "cao");
        w("sev.critical", "critical", "nghiêm trọng");
        w("alert", "Alert", "Cảnh báo");
        w("evidence", "Evidence events", "Sự kiện bằng chứng");
        w("triage", "Triage guide", "Hướng dẫn xử lý");
        w("false_positives", "Known false positives", "Dương tính giả thường gặp");
        w("references", "References", "Tham khảo");
        w("related", "Other alerts on this entity", "Cảnh báo khác trên cùng đối tượng");
        w("incident.same", "Incident on this entity", "Sự cố trên cùng đối tượng");
        w("ack", "Acknowledge", "Tiếp nhận");
        w("close", "Close", "Đóng");
        w("disposition", "Disposition", "Kết luận");
        w("disp.true_positive", "true positive", "tấn công thật");
        w("disp.benign", "benign", "vô hại");
        w("disp.false_positive", "false positive", "dương tính giả");
        w("note", "Note", "Ghi chú");
        w("done", "Saved.", "Đã lưu.");
        w("by", "by", "bởi");
        w("window", "Window", "Cửa sổ");
        w("suppressed", "Suppressed repeats", "Lặp lại đã gộp");
        w(
                "rule.file.missing",
                "The rule file is not in the rules folder.",
                "Không tìm thấy tệp luật.");
        w("incidents", "Incidents", "Sự cố");
        w("timeline", "Timeline", "Diễn biến");
        w("tier", "Tier", "Cấp");
        w("channel", "Channel", "Kênh");
        w("outcome", "Outcome", "Kết quả");
        w("risk", "Risk", "Rủi ro");
        w(
                "alerts.over.time.severity",
                "Alerts over time by severity",
                "Cảnh báo theo thời gian và mức độ");
        w(
                "alerts.over.time.department",
                "Alerts over time by department",
                "Cảnh báo theo thời gian và đơn vị");
        w("top.rules", "Top rules", "Luật phát hiện nhiều nhất");
        w("top.entities", "Top entities", "Đối tượng bị cảnh báo nhiều nhất");
        w(
                "matrix",
                "ATT&CK matrix: alerts and rule coverage",
                "Ma trận ATT&CK: cảnh báo và độ phủ luật");
        w(
                "matrix.legend",
                "Red: alerts in the range; blue outline: a rule covers it; grey: covered, no alert.",
                "Đỏ: có cảnh báo; viền xanh: có luật; xám: có luật, chưa có cảnh báo.");
        w("sources", "Log-source health", "Tình trạng nguồn log");
        w("source", "Source", "Nguồn");
        w("last.event", "Last event", "Sự kiện cuối");
        w("silent.for", "Silent for", "Im lặng");
        w(
                "sources.none",
                "No metrics endpoint configured (--metrics-url): the job's last-event times are unknown here.",
                "Chưa cấu hình địa chỉ metrics (--metrics-url): chưa biết thời điểm sự kiện cuối.");
        w("alerts.count", "Alerts", "Số cảnh báo");
        w("last.fired", "Last fired", "Lần cuối phát hiện");
        w("budget.trips", "Budget trips", "Lần vượt ngân sách");
        w("never", "never", "chưa bao giờ");
        w("forbidden", "Not allowed.", "Không được phép.");
        w(
                "not.found",
                "Not found (or outside your department).",
                "Không tìm thấy (hoặc ngoài phạm vi đơn vị).");
        w(
                "csrf",
                "The form expired; reload the page and try again.",
                "Biểu mẫu đã hết hạn; tải lại trang và thử lại.");
        w("language", "Language", "Ngôn ngữ");
        w("scope.all", "all departments", "tất cả đơn vị");
        w("role.analyst", "provincial analyst", "chuyên viên phân tích cấp tỉnh");
        w("role.liaison", "department liaison", "cán bộ đầu mối đơn vị");
        w("role.admin", "admin", "quản trị");
        w("shown", "shown", "đang hiển thị");
        w("total", "total", "tổng");
        w("range.1h", "last hour", "1 giờ qua");
        w("range.24h", "last 24 hours", "24 giờ qua");
        w("range.7d", "last 7 days", "7 ngày qua");
        w("range.30d", "last 30 days", "30 ngày qua");
        w("range.all", "all time", "toàn bộ");
        w(
                "no.kafka",
                "No Kafka configured: the change cannot reach the jobs.",
                "Chưa cấu hình Kafka: không gửi được thay đổi tới hệ thống.");
        w("published", "Published on soc.alert-status.", "Đã gửi lên soc.alert-status.");
    }

    private Messages() {}

    public static String get(String lang, String key) {
        Map<String, String> first = EN.equals(lang) ? EN_WORDS : VI_WORDS;
        Map<String, String> second = EN.equals(lang) ? VI_WORDS : EN_WORDS;
        String s = first.get(key);
        if (s == null) {
            s = second.get(key);
        }
        return s == null ? key : s;
    }

    /** Whether both languages have every key (a test checks it). */
    static boolean complete() {
        return EN_WORDS.keySet().equals(VI_WORDS.keySet());
    }
}
