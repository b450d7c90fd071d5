package lib.report;

import lib.sync.ImageResult;
import lib.sync.Status;
import lib.sync.TargetResult;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * MIRRORS.md, the catalog people browse: every image of the batch with its platform, each target's pull address and the
 * date it was last copied. It is rewritten from a batch run's report and the previous catalog, which keeps what the run
 * cannot know: the dates of images that did not change, and the addresses at targets the run did not write (another
 * SYNC_TARGETS, a failed image). Nothing in it depends on when it is written except those dates, so a run that copies
 * nothing rewrites it byte for byte.
 */
public final class Catalog {
    static final String NONE = "—";
    static final String HEADER_START = "| 镜像 / Image | 平台 / Platform |";
    static final String CHANGED = "更新于 / Changed";
    /** After the date of a row whose image failed in the latest run: since when it has failed (its address is the last good one). */
    static final String FAILING = ", 同步失败自 / failing since ";
    /** Target columns come in this order; any other target id after them, alphabetically. */
    static final List<String> ORDER = List.of("aliyun", "ghcr");
    /** The files that put the mirror to use (MirrorFiles), one line of use each; the catalog links them. */
    static final String USE = "## 使用镜像 / Using the mirror\n\n"
            + "每次批量同步后，mirror/ 下的文件会随本目录一起更新。/ Each batch run updates the files in mirror/ with this catalog.\n\n"
            + "- [mirror/pull.sh](mirror/pull.sh)：复制到要拉镜像的机器上，`sh pull.sh nginx:1.27` 即拉取镜像并改回原名（docker、podman、nerdctl 或 ctr）。"
            + "/ Copy it to the machine that pulls: `sh pull.sh nginx:1.27` pulls the image and gives it back its original name.\n"
            + "- [mirror/k3s-registries.yaml](mirror/k3s-registries.yaml)：k3s/RKE2 节点上放到 /etc/rancher/k3s/registries.yaml，原镜像名自动从镜像仓库拉取。"
            + "/ For k3s/RKE2: put it in /etc/rancher/k3s/registries.yaml and nodes pull the original names from the mirror.\n"
            + "- [mirror/kustomization-images.yaml](mirror/kustomization-images.yaml)：把其中的 images: 条目加入你的 kustomization.yaml。"
            + "/ Add its images: entries to your kustomization.yaml.\n"
            + "- `mirror/containerd/`：只为保留原路径（path 命名）的目标生成，复制到 containerd 的 config_path（如 /etc/containerd/certs.d/）。"
            + "/ Only for targets with path naming: copy it to containerd's config_path (e.g. /etc/containerd/certs.d/).\n\n";
    static final String INTRO = "# 镜像目录 / Mirror catalog\n\n"
            + "每次批量同步（01）都会根据同步结果更新这个文件，请不要手工修改。表里是 images.txt 中每个镜像的拉取地址；"
            + "“更新于”是镜像最近一次被复制的日期（北京时间）；“—”表示在有这份目录之前就已同步，之后没有变过。\n\n"
            + "Every batch sync (01) updates this file from its results: do not edit it by hand. It lists the pull address of every "
            + "image in images.txt; \"Changed\" is the date the image was last copied (Beijing time); \"—\" means it was there "
            + "before this catalog began and has not changed since.\n\n"
            + USE;

    /**
     * One image: {@code addresses} maps a target id (aliyun, ghcr) to the image's reference there; {@code failingSince}:
     * the date its failures began when it failed in the latest run, else null.
     */
    record Row(String image, String platform, Map<String, String> addresses, String changed, String failingSince) {
        /**
         * The target name (repository:tag) of a flat target, unique in a list: how a row is found again when none of its
         * addresses is (another namespace, say). A row read back from the catalog has only its addresses, and a flat
         * target name is the last part of one of them.
         */
        String key() {
            return addresses.values().stream().map(a -> a.substring(a.lastIndexOf('/') + 1)).findFirst().orElse(null);
        }
    }

    record Table(List<String> targets, List<Row> rows) {}

    private Catalog() {}

    /**
     * The catalog after a run that produced {@code report}, on {@code today}; {@code previous} may be empty. Images are
     * named as their users name them ({@link Report#completed} names those of a report written before images carried
     * their names).
     */
    public static String update(String previous, Report report, LocalDate today) {
        Table old = parse(previous);
        Map<String, Row> byKey = new HashMap<>();
        Map<String, Row> byAddress = new HashMap<>();
        old.rows().forEach(r -> {
            if (r.key() != null) {
                byKey.put(r.key(), r);
            }
            r.addresses().values().forEach(a -> byAddress.put(a, r));
        });
        Set<String> targets = new LinkedHashSet<>(old.targets());
        List<Row> rows = new ArrayList<>();
        for (ImageResult image : report.images()) {
            TargetResult first = image.targets().get(0);
            // By an address it had (a target with path naming names it otherwise than by repository:tag), else by its target name.
            Row before = image.targets().stream().map(t -> byAddress.get(t.image())).filter(Objects::nonNull).findFirst()
                    .orElse(first.repository() == null ? null : byKey.get(first.repository() + ":" + first.tag()));
            Map<String, String> addresses = new HashMap<>(before == null ? Map.of() : before.addresses());
            boolean copied = false;
            String failingSince = null;
            for (TargetResult t : image.targets()) {
                targets.add(t.target());
                switch (t.status()) {
                    case COPIED -> {
                        addresses.put(t.target(), t.image());
                        copied = true;
                    }
                    case SKIPPED -> addresses.put(t.target(), t.image());
                    // Not written this run, yet the target may hold the image from before: then it can still be pulled.
                    default -> {
                        if (t.digest() != null) {
                            addresses.putIfAbsent(t.target(), t.image());
                        }
                        if (t.status() == Status.FAILED) {
                            String since = since(t, before, today);
                            failingSince = failingSince == null || since.compareTo(failingSince) < 0 ? since : failingSince;
                        }
                    }
                }
            }
            String changed = copied ? today.toString() : before != null ? before.changed() : NONE;
            rows.add(new Row(image.label(), image.platform(), addresses, changed, failingSince));
        }
        return render(ordered(targets), rows);
    }

    /** Since when a failure has lasted: the report's history, else the catalog's mark, else it began today. */
    private static String since(TargetResult t, Row before, LocalDate today) {
        return t.failing() != null ? t.failing().since() : before != null && before.failingSince() != null ? before.failingSince() : today.toString();
    }

    static String render(List<String> targets, List<Row> rows) {
        StringBuilder md = new StringBuilder(INTRO);
        if (rows.isEmpty()) {
            return md.append("还没有同步过镜像。/ No image has been synced yet.\n").toString();
        }
        md.append(HEADER_START);
        targets.forEach(t -> md.append(' ').append(t).append(" |"));
        md.append(' ').append(CHANGED).append(" |\n|---|---|").append("---|".repeat(targets.size())).append("---|\n");
        for (Row r : rows) {
            md.append("| `").append(r.image()).append("` | ").append(r.platform()).append(" |");
            for (String t : targets) {
                String address = r.addresses().get(t);
                md.append(' ').append(address == null ? NONE : "`" + address + "`").append(" |");
            }
            md.append(' ').append(r.changed()).append(r.failingSince() == null ? "" : FAILING + r.failingSince()).append(" |\n");
        }
        return md.toString();
    }

    /** The table of a catalog this class wrote; anything else (no catalog yet, a hand-edited one) reads as empty. */
    static Table parse(String text) {
        List<String> targets = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        int i = 0;
        while (i < lines.length && !lines[i].startsWith(HEADER_START)) {
            i++;
        }
        if (i == lines.length) {
            return new Table(targets, rows);
        }
        List<String> header = cells(lines[i]);
        if (header.size() < 3 || !header.get(header.size() - 1).equals(CHANGED)) {
            return new Table(targets, rows);
        }
        targets.addAll(header.subList(2, header.size() - 1));
        for (i += 2; i < lines.length && lines[i].startsWith("|"); i++) {
            List<String> cells = cells(lines[i]);
            if (cells.size() != header.size()) {
                continue;
            }
            Map<String, String> addresses = new HashMap<>();
            for (int t = 0; t < targets.size(); t++) {
                String cell = cells.get(2 + t);
                if (!cell.equals(NONE)) {
                    addresses.put(targets.get(t), unquote(cell));
                }
            }
            String changed = cells.get(cells.size() - 1);
            int failing = changed.indexOf(FAILING);
            rows.add(new Row(unquote(cells.get(0)), cells.get(1), addresses, failing < 0 ? changed : changed.substring(0, failing),
                    failing < 0 ? null : changed.substring(failing + FAILING.length())));
        }
        return new Table(targets, rows);
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> out = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            out.add(cell.strip());
        }
        return out;
    }

    private static String unquote(String cell) {
        return cell.startsWith("`") && cell.endsWith("`") && cell.length() >= 2 ? cell.substring(1, cell.length() - 1) : cell;
    }

    private static List<String> ordered(Set<String> targets) {
        List<String> out = new ArrayList<>();
        ORDER.stream().filter(targets::contains).forEach(out::add);
        targets.stream().filter(t -> !ORDER.contains(t)).sorted().forEach(out::add);
        return out;
    }
}
