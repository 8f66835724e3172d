import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;

/**
 * The stacks through one frame of a JFR recording, counted: {@code java [-Dev=jdk.ObjectAllocationSample]
 * bench/jfr/JfrStacks.java rec.jfr THREAD|- FRAME DEPTH TOP [down]}: DEPTH frames from the first
 * frame whose name contains FRAME towards its callers, or with {@code down} towards its callees.
 */
public class JfrStacks {
    static String fr(RecordedFrame f) {
        var m = f.getMethod();
        String c = m.getType().getName();
        int i = c.lastIndexOf('.');
        return c.substring(i + 1) + "." + m.getName() + ":" + f.getLineNumber();
    }
    public static void main(String[] a) throws Exception {
        String tf = a[1]; String needle = a[2]; int depth = Integer.parseInt(a[3]); int top = Integer.parseInt(a[4]);
        boolean down = a.length > 5 && a[5].equals("down");
        Map<String, Integer> m = new HashMap<>(); int n = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
            String ev = System.getProperty("ev", "jdk.ExecutionSample"); if (!e.getEventType().getName().equals(ev)) continue; int w = ev.equals("jdk.ExecutionSample") ? 1 : (int) (e.getLong("weight") / 1024);
            RecordedThread t = e.getThread(ev.equals("jdk.ExecutionSample") ? "sampledThread" : "eventThread");
            String tn = t == null || t.getJavaName() == null ? "?" : t.getJavaName();
            if (!tf.equals("-") && !tn.contains(tf)) continue;
            if (e.getStackTrace() == null) continue; List<RecordedFrame> fs = e.getStackTrace().getFrames();
            for (int i = 0; i < fs.size(); i++) {
                if (fr(fs.get(i)).contains(needle)) {
                    StringBuilder sb = new StringBuilder();
                    if (down) { for (int j = i; j >= Math.max(0, i - depth); j--) sb.append(fr(fs.get(j))).append(" > "); }
                    else { for (int j = i; j < Math.min(fs.size(), i + depth); j++) sb.append(fr(fs.get(j))).append(" < "); }
                    m.merge(sb.toString(), w, Integer::sum); n++;
                    break;
                }
            }
        }
        System.out.println("matches " + n);
        m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(top)
            .forEach(e -> System.out.printf("%6d  %s%n", e.getValue(), e.getKey()));
    }
}
