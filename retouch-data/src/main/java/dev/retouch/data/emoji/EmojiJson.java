package dev.retouch.data.emoji;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retouch.core.RetouchException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code emoji.json} (the emoji-datasource format: a JSON array of entries) into {@link EmojiEntry}s.
 * Entries without a Google image ({@code has_img_google: false}) are skipped, and so are such variants; the
 * result is sorted by {@code sort_order}.
 */
final class EmojiJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EmojiJson() {
    }

    /**
     * @param json   the bytes of {@code emoji.json}
     * @param source where they came from, for error messages, e.g. {@code "x.tgz!package/emoji.json"}
     */
    static List<EmojiEntry> parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new RetouchException("cannot parse " + source + " as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new RetouchException("malformed " + source + ": expected a JSON array of emoji entries, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        List<EmojiEntry> entries = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            String where = source + " entry " + i;
            if (!node.isObject()) {
                throw new RetouchException("malformed " + where + ": expected a JSON object, found "
                        + node.getNodeType().toString().toLowerCase(Locale.ROOT));
            }
            if (bool(node, "has_img_google", where)) {
                entries.add(entry(node, where));
            }
        }
        entries.sort(Comparator.comparingInt(EmojiEntry::sortOrder));
        return List.copyOf(entries);
    }

    private static EmojiEntry entry(JsonNode node, String where) {
        String unified = text(node, "unified", where);
        where = where + " (" + unified + ")";
        String shortName = text(node, "short_name", where);
        JsonNode nameNode = node.get("name");
        String name = nameNode == null || nameNode.isNull() ? shortName.replace('_', ' ') : text(node, "name", where);
        JsonNode sortOrder = node.get("sort_order");
        if (sortOrder == null || !sortOrder.isInt()) {
            throw new RetouchException("malformed " + where + ": expected an integer 'sort_order', found "
                    + describe(sortOrder));
        }
        return new EmojiEntry(name, shortName, unified, text(node, "image", where), text(node, "category", where),
                text(node, "subcategory", where), sortOrder.intValue(), variants(node, where));
    }

    private static List<EmojiVariant> variants(JsonNode node, String where) {
        JsonNode map = node.get("skin_variations");
        if (map == null || map.isNull()) {
            return List.of();
        }
        if (!map.isObject()) {
            throw new RetouchException("malformed " + where + ": expected 'skin_variations' to be an object, found "
                    + describe(map));
        }
        List<EmojiVariant> variants = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            String variantWhere = where + " skin variation " + key;
            try {
                SkinTone.parseKey(key); // validates the key: 1F3FB..1F3FF, one or more joined by '-'
            } catch (RetouchException e) {
                throw new RetouchException("malformed " + variantWhere + ": " + e.getMessage(), e);
            }
            JsonNode variant = field.getValue();
            if (bool(variant, "has_img_google", variantWhere)) {
                variants.add(new EmojiVariant(text(variant, "unified", variantWhere),
                        text(variant, "image", variantWhere), key));
            }
        }
        return variants;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new RetouchException("malformed " + where + ": expected a string '" + field + "', found "
                    + describe(value));
        }
        return value.textValue();
    }

    private static boolean bool(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw new RetouchException("malformed " + where + ": expected a boolean '" + field + "', found "
                    + describe(value));
        }
        return value.booleanValue();
    }

    private static String describe(JsonNode value) {
        if (value == null) {
            return "none";
        }
        String text = value.toString();
        return value.getNodeType().toString().toLowerCase(Locale.ROOT) + " "
                + (text.length() > 60 ? text.substring(0, 60) + "…" : text);
    }
}
