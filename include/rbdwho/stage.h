/* stage.h — what a blocking call is waiting for, in words, for whoever waits
 * on it. The chain names each step that can take a timeout ("asking Nova about
 * instance …", "libvirt at qemu+ssh://c2/system", "processes on c2 over ssh"),
 * and a caller that set a hook on its own thread (the browser's workers) shows
 * the latest one, so a pane that waits says for what and from whom. The hook
 * is per thread: the chain is called from several threads at once, each for
 * its own job, and the commands set none (then stage_say costs nothing). */
#ifndef RBDWHO_STAGE_H
#define RBDWHO_STAGE_H

typedef void (*stage_fn)(const char *text, void *user);

/* Sets this thread's hook (NULL: none). */
void stage_hook(stage_fn fn, void *user);

/* Tells this thread's hook what the caller is about to wait for; no-op
 * without a hook. The text is sanitised by whoever shows it. */
void stage_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
