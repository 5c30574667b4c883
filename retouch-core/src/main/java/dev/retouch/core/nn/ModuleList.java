package dev.retouch.core.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** An indexed list of child modules named {@code 0, 1, 2, …}, as in PyTorch's {@code nn.ModuleList}. */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public ModuleList<M> add(M module) {
        child(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }
}
