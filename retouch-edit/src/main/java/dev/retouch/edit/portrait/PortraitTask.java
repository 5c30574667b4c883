package dev.retouch.edit.portrait;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiEntry;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.data.emoji.EmojiVariant;
import dev.retouch.data.emoji.PanelPairs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A portrait-editing task on the emoji set (paper 003 §4 trains one model per task with four directions): what
 * the generated pairs show and which text prompts the multi-conditioned model reads.
 * <ul>
 *   <li>{@code expression}: yellow faces to a smiling, crying, angry or surprised face. Source prompt p_a
 *       {@code "face"}; target prompts {@code "smiling face"}, {@code "crying face"}, {@code "angry face"},
 *       {@code "surprised face"}. Pairs: any train-split yellow face (not a costume) on the left, the direction's
 *       emoji on the right. No real ground truth exists.</li>
 *   <li>{@code man-woman}: people emojis between man, woman and person variants of one role in one skin tone:
 *       man → woman, woman → man, person → woman, person → man. Source prompt {@code "person"}; target prompts
 *       {@code "woman"}, {@code "man"}. Pairs are prompted with the captions of train-split roles; the real
 *       man/woman variants are the evaluation's ground truth ({@link #heldOut}), never training data.</li>
 * </ul>
 */
public final class PortraitTask {
    /**
     * One editing direction.
     *
     * @param name   e.g. {@code "man-to-woman"}, {@code "smiling"}
     * @param target the model's target prompt p_b, e.g. {@code "woman"}; what {@code --target} names
     */
    public record Direction(String name, String target) {
    }

    /**
     * The prompts of one generated pair: the source and target images' captions (the masked left and right
     * prompts of Eq. 2) and the shared prompt over the whole canvas (the two-panel model's joint caption).
     */
    public record PairPrompt(Direction direction, String source, String target, String shared) {
    }

    /**
     * A real before/after pair of the emoji set with the direction it shows.
     *
     * @param seen whether both images are in the train split (the base model saw them; the others are unseen)
     */
    public record RealPair(Direction direction, EmojiImage source, EmojiImage target, boolean seen) {
    }

    public static final String EXPRESSION_NAME = "expression";
    public static final String MAN_WOMAN_NAME = "man-woman";

    private static final String[][] EXPRESSIONS = {
            {"smiling", "smiling face", "smiling face with open mouth and smiling eyes"},
            {"crying", "crying face", "loudly crying face"},
            {"angry", "angry face", "angry face"},
            {"surprised", "surprised face", "astonished face"}};

    private final String name;
    private final String sourcePrompt;
    private final List<Direction> directions;

    private PortraitTask(String name, String sourcePrompt, List<Direction> directions) {
        this.name = name;
        this.sourcePrompt = sourcePrompt;
        this.directions = List.copyOf(directions);
    }

    /** The expression task. */
    public static PortraitTask expression() {
        List<Direction> d = new ArrayList<>();
        for (String[] e : EXPRESSIONS) {
            d.add(new Direction(e[0], e[1]));
        }
        return new PortraitTask(EXPRESSION_NAME, "face", d);
    }

    /** The man ↔ woman task. */
    public static PortraitTask manWoman() {
        return new PortraitTask(MAN_WOMAN_NAME, "person", List.of(new Direction("man-to-woman", "woman"),
                new Direction("woman-to-man", "man"), new Direction("person-to-woman", "woman"),
                new Direction("person-to-man", "man")));
    }

    /** The task called {@code name}. */
    public static PortraitTask parse(String name) {
        if (EXPRESSION_NAME.equals(name)) {
            return expression();
        }
        if (MAN_WOMAN_NAME.equals(name)) {
            return manWoman();
        }
        throw new InvalidRequestException("unknown portrait task '" + name + "': expected " + EXPRESSION_NAME
                + " or " + MAN_WOMAN_NAME);
    }

    public String name() {
        return name;
    }

    /** The source prompt p_a: what the model reconstructs under (mask computation, outside the mask). */
    public String sourcePrompt() {
        return sourcePrompt;
    }

    public List<Direction> directions() {
        return directions;
    }

    /** The distinct target prompts, in direction order. */
    public List<String> targets() {
        return directions.stream().map(Direction::target).distinct().toList();
    }

    /** Checks that {@code target} is one of this task's target prompts and returns it. */
    public String target(String target) {
        if (!targets().contains(target)) {
            throw new InvalidRequestException("portrait task " + name + " has no target '" + target
                    + "': expected one of " + String.join(", ", targets()));
        }
        return target;
    }

    /** Every pair prompt the generator may draw, from train-split emojis only. */
    public List<PairPrompt> prompts(EmojiDataset data) {
        return name.equals(EXPRESSION_NAME) ? expressionPrompts(data) : manWomanPrompts(data);
    }

    private List<PairPrompt> expressionPrompts(EmojiDataset data) {
        List<EmojiImage> faces = sourceFaces(data, Split.TRAIN);
        List<PairPrompt> out = new ArrayList<>();
        for (int k = 0; k < EXPRESSIONS.length; k++) {
            EmojiImage target = faceNamed(data, EXPRESSIONS[k][2]);
            for (EmojiImage source : faces) {
                if (source != target) {
                    out.add(prompt(directions.get(k), source, target));
                }
            }
        }
        return out;
    }

    /** The yellow faces of a split that can be an expression edit's input (costumes are not faces of a person). */
    public static List<EmojiImage> sourceFaces(EmojiDataset data, Split split) {
        return data.images(split).stream().filter(PanelPairs::isYellowFace)
                .filter(i -> !i.base().subcategory().equals("face-costume")).toList();
    }

    /** The emoji an expression direction's pairs show on the right. */
    public static EmojiImage expressionTarget(EmojiDataset data, Direction d) {
        for (String[] e : EXPRESSIONS) {
            if (e[0].equals(d.name())) {
                return faceNamed(data, e[2]);
            }
        }
        throw new IllegalArgumentException("not an expression direction: " + d.name());
    }

    private static EmojiImage faceNamed(EmojiDataset data, String name) {
        for (EmojiEntry e : data.entries()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(name) && e.subcategory().startsWith("face-")) {
                return data.defaultImage(e);
            }
        }
        throw new IllegalStateException("the emoji data has no face named '" + name + "'");
    }

    private static PairPrompt prompt(Direction d, EmojiImage source, EmojiImage target) {
        return new PairPrompt(d, source.caption(), target.caption(), new PanelPairs.PanelPair(source, target)
                .jointCaption());
    }

    /** The man, woman and person entries of every people role that has at least two of them. */
    static Map<String, Map<String, EmojiEntry>> roles(EmojiDataset data) {
        Map<String, Map<String, EmojiEntry>> byRole = new LinkedHashMap<>();
        for (EmojiEntry e : data.entries()) {
            if (!e.subcategory().startsWith("person") || e.singleToneVariants().isEmpty()) {
                continue;
            }
            String n = e.name().toLowerCase(Locale.ROOT);
            if (n.startsWith("man ")) {
                byRole.computeIfAbsent(n.substring(4), k -> new LinkedHashMap<>()).putIfAbsent("man", e);
            } else if (n.startsWith("woman ")) {
                byRole.computeIfAbsent(n.substring(6), k -> new LinkedHashMap<>()).putIfAbsent("woman", e);
            }
        }
        for (EmojiEntry e : data.entries()) {
            String n = e.name().toLowerCase(Locale.ROOT);
            String role = n.startsWith("person ") ? n.substring(7) : n;
            Map<String, EmojiEntry> kinds = byRole.get(role);
            if (kinds != null && e.subcategory().startsWith("person") && !e.singleToneVariants().isEmpty()) {
                kinds.putIfAbsent("person", e);
            }
        }
        byRole.values().removeIf(m -> m.size() < 2);
        return byRole;
    }

    private static String[] kinds(Direction d) {
        return d.name().split("-to-");
    }

    /** The images of an entry: default first, then its single-tone variants. */
    private static List<EmojiImage> tones(EmojiDataset data, EmojiEntry e) {
        List<EmojiImage> out = new ArrayList<>();
        out.add(data.defaultImage(e));
        for (EmojiVariant v : e.singleToneVariants()) {
            out.add(data.image(v.image()));
        }
        return out;
    }

    /** Same-role, same-tone image pairs of every direction whose two entries satisfy {@code keep}. */
    private List<RealPair> rolePairs(EmojiDataset data, Predicate<RealPair> keep) {
        List<RealPair> out = new ArrayList<>();
        for (Map<String, EmojiEntry> kinds : roles(data).values()) {
            for (Direction d : directions) {
                String[] st = kinds(d);
                EmojiEntry s = kinds.get(st[0]);
                EmojiEntry t = kinds.get(st[1]);
                if (s == null || t == null) {
                    continue;
                }
                List<EmojiImage> a = tones(data, s);
                List<EmojiImage> b = tones(data, t);
                for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                    RealPair p = new RealPair(d, a.get(i), b.get(i),
                            a.get(i).split() == Split.TRAIN && b.get(i).split() == Split.TRAIN);
                    if (keep.test(p)) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    private List<PairPrompt> manWomanPrompts(EmojiDataset data) {
        return rolePairs(data, RealPair::seen).stream().map(p -> prompt(p.direction(), p.source(), p.target()))
                .toList();
    }

    /**
     * The real pairs of this task with ground truth: for man-woman, every same-role, same-tone man ↔ woman pair
     * (both directions; {@link RealPair#seen} says whether the base model trained on both images). The expression
     * task has none (the emoji set has no face in two expressions with all else equal).
     */
    public List<RealPair> heldOut(EmojiDataset data) {
        if (name.equals(EXPRESSION_NAME)) {
            return List.of();
        }
        return rolePairs(data, p -> p.direction().name().startsWith("man-") || p.direction().name().startsWith("woman-"));
    }
}
