/* SPDX-License-Identifier: MIT */
/**
 * @file vsw_backend.h
 * @brief The interface for authors of libvsw I/O backends.
 *
 * A backend moves frames between a switch port and the world outside the
 * process. It is a table of operations (struct vsw_backend_ops) registered
 * under a type name; a spec string "TYPE:ARGUMENT" given to
 * vsw_backend_open() or vsw_port_attach() selects the type and passes it the
 * argument. The built-in backends (memory, tap, afpacket, raw, qemu,
 * vhostuser, vxlan) are written
 * against this same interface.
 *
 * @section be_lifecycle Life cycle
 *
 * vsw_backend_open() allocates an instance (struct vsw_backend) and calls
 * @c open. If @c open fails, the instance is freed and @c close is not
 * called. Otherwise the instance lives until vsw_backend_close() or, when a
 * port owns it, until vsw_port_detach() or the port's removal; then @c close
 * runs exactly once and cannot fail. The backend keeps its private state
 * with vsw_backend_set_priv().
 *
 * @section be_threads Threads
 *
 * The operations of one instance are called from one thread at a time: the
 * thread that drives the switch owning the instance, or the thread calling
 * vsw_backend_* on an instance no port owns. Only vsw_backend_notify() and
 * vsw_backend_writable() may be called from any thread: they set a flag
 * and wake the switch's event loop.
 *
 * @section be_loop The event loop
 *
 * The switch sleeps until there is work (vsw_switch_poll()); it has no
 * periodic tick since 2.0. What wakes it for an instance: its @c fd polling
 * readable (or writable, while the switch waits for room), its
 * vsw_backend_notify() and vsw_backend_writable(), the deadline its @c run
 * hook returned, and, for an instance whose descriptor is an AF_PACKET
 * socket bound to an interface, the kernel's rtnetlink link events for
 * that interface. An instance without a descriptor is received from every
 * round and the switch then waits 1 ms at most. So a backend whose link
 * state changes on its own must say so with vsw_backend_notify(): the
 * switch no longer asks @c link_state every 100 ms. It still asks it
 * 100 ms after the instance received or sent frames, and every 100 ms
 * for an instance without a descriptor, or whose socket lives in another
 * network namespace than the switch's rtnetlink socket.
 *
 * @section be_frames Frames and ownership
 *
 * On receive, the backend fills descriptors that point into its own
 * buffers; they must stay valid until the next @c recv or @c close of the
 * instance. On send, the frames belong to the caller: the backend copies
 * what it keeps before returning, whatever it returns. Neither call ever
 * blocks: a backend that cannot make progress returns 0 (or @c -EAGAIN,
 * which callers treat as 0).
 */
#ifndef VSW_BACKEND_H
#define VSW_BACKEND_H

#include "vsw.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The operations of a backend type.
 *
 * Fill with VSW_OPTS(vsw_backend_ops, ops, .name = ..., ...), or as a static
 * table with <tt>.size = sizeof(ops)</tt>. vsw_backend_register() copies the
 * table and the name: they need not outlive the call (the functions they
 * point to must stay until vsw_backend_unregister()). A table from older
 * 2.x headers (smaller @c size, at least the 2.0 table) registers too: the
 * members it lacks are optional hooks, absent (2.1 added @c set_persist).
 */
struct vsw_backend_ops {
	/** sizeof(struct vsw_backend_ops) as the backend's author knew it. */
	size_t size;

	/** The type name, the spec prefix before ':'; 1 to 15 of [a-z0-9_-]. */
	const char *name;

	/**
	 * @brief Open an instance. Required.
	 * @param be       The new instance, its private pointer NULL.
	 * @param arg      The spec after "TYPE:" (may be empty, never NULL).
	 * @param options  The options string given to vsw_backend_open(), or NULL.
	 * May call vsw_backend_set_priv() and vsw_backend_notify(); no
	 * switch owns the instance yet.
	 * @return 0, or a negative errno; on failure @c close is not called and
	 *         the backend must have released what it took.
	 */
	int (*open)(struct vsw_backend *be, const char *arg, const char *options);

	/**
	 * @brief Release everything the instance holds. Required; cannot fail.
	 *
	 * Calls nothing of the library but vsw_backend_priv().
	 * @param be  The instance.
	 */
	void (*close)(struct vsw_backend *be);

	/**
	 * @brief The descriptor the switch polls for readability. May be NULL.
	 *
	 * It must poll readable whenever @c recv would return frames. A link
	 * change is told with vsw_backend_notify() (a readable descriptor alone
	 * does not make the switch read the link). While the instance is
	 * blocked and has no @c want_writable, the switch also waits for the
	 * descriptor to poll writable (EPOLLOUT). Asked when a port attaches the
	 * instance (or when the switch's loop is set up); it must not change
	 * while attached. A backend without one is received from on every
	 * round of vsw_switch_poll(), which then waits at most 1 ms, and its
	 * link is read every 100 ms. Calls nothing.
	 * @param be  The instance.
	 * @return The descriptor, or a negative errno if there is none.
	 */
	int (*fd)(struct vsw_backend *be);

	/**
	 * @brief Receive up to @p n frames without blocking. Required.
	 *
	 * Fill every member of each descriptor (a designated initializer
	 * zeroes what a frame does not use): a frame whose device handed it
	 * over unfinished carries its offload metadata (a partial checksum,
	 * a GSO super-frame), which the switch checks against the bytes
	 * (VSW_CTR_BAD_OFFLOAD) and finishes for the ports that need it. May
	 * call vsw_backend_count() and vsw_backend_notify(), never
	 * vsw_port_input() (the switch forwards what this returns).
	 * @param be      The instance.
	 * @param frames  Descriptors to fill.
	 * @param n       Their number, 1 to VSW_BATCH_MAX.
	 * @return The number received (0 if none), or a negative errno, which
	 *         the switch counts in the port's rx_errors.
	 */
	int (*recv)(struct vsw_backend *be, struct vsw_frame *frames, unsigned int n);

	/**
	 * @brief Send frames without blocking. Required.
	 *
	 * Frames never carry VSW_FRAME_VLAN_TCI, and from the switch they
	 * carry offload metadata only of the kinds @c offloads accepts. The
	 * frames stay the caller's, on success and on failure. May call
	 * vsw_backend_count() and vsw_backend_notify().
	 * @param be      The instance.
	 * @param frames  The frames.
	 * @param n       Their number, 1 to VSW_BATCH_MAX.
	 * @return The number accepted, from the first. Fewer than @p n means
	 *         the queue is full: the switch counts the rest in the port's
	 *         VSW_CTR_TX_FULL, keeps nothing, and asks to be told when the
	 *         queue has room (@c want_writable). A negative errno: none
	 *         sent, counted in VSW_CTR_TX_ERRORS (@c -EAGAIN: full).
	 */
	int (*send)(struct vsw_backend *be, const struct vsw_frame *frames, unsigned int n);

	/**
	 * @brief The carrier state. May be NULL: always up.
	 *
	 * Asked at attach, after vsw_backend_notify(), after a @c recv error,
	 * on rtnetlink events of the instance's interface (AF_PACKET sockets),
	 * 100 ms after the instance carried frames, and every 100 ms for an
	 * instance without a descriptor: the place for periodic upkeep that
	 * only matters under traffic. May call vsw_backend_count() (drops
	 * read with the state).
	 * @param be  The instance.
	 * @return 1 up, 0 down, or a negative errno (taken as down).
	 */
	int (*link_state)(struct vsw_backend *be);

	/**
	 * @brief Bring the link up or down. May be NULL: @c -EOPNOTSUPP.
	 *
	 * May call vsw_backend_notify().
	 * @param be  The instance.
	 * @param up  1 or 0.
	 * @return 0 or a negative errno.
	 */
	int (*set_link)(struct vsw_backend *be, int up);

	/**
	 * @brief The MAC address of the underlying device. May be NULL.
	 *
	 * Calls nothing.
	 * @param be   The instance.
	 * @param mac  Receives 6 bytes.
	 * @return 0 or a negative errno.
	 */
	int (*mac)(struct vsw_backend *be, uint8_t mac[6]);

	/**
	 * @brief The MTU of the underlying device. May be NULL.
	 *
	 * Calls nothing.
	 * @param be  The instance.
	 * @return The MTU in bytes, or a negative errno.
	 */
	int (*mtu)(struct vsw_backend *be);

	/* ---- 2.0: the frozen base of the 2.x table ends here, after @c run ---- */

	/**
	 * @brief The offloaded frames @c send takes as they are. May be NULL:
	 *        none (the switch finishes every frame first).
	 *
	 * Called when a port attaches the instance, and again each time the
	 * port's link comes up (since 2.1: what a backend takes may be
	 * settled only then, as a guest's negotiated features are).
	 * VSW_OFFLOAD_* bits; vsw_port_set_offloads() may narrow them for one
	 * port, and the narrowing stays across those calls. Calls nothing.
	 * @param be  The instance.
	 * @return VSW_OFFLOAD_* bits.
	 * @since 2.0
	 */
	uint64_t (*offloads)(struct vsw_backend *be);

	/**
	 * @brief Ask to be told when @c send can take frames again. May be NULL.
	 *
	 * Called after every @c send that took fewer frames than offered (the
	 * rest are counted in VSW_CTR_TX_FULL; the switch keeps nothing). The
	 * instance is then blocked: the backend calls vsw_backend_writable()
	 * once it has room again (from any thread), and the block lasts until
	 * then. Without this operation the switch waits for @c fd to poll
	 * writable (EPOLLOUT) instead, 1 s at most; a backend without @c fd is
	 * taken to have room at the next round. While any instance of the
	 * switch is blocked, the event loop receives one batch per ready
	 * backend and round instead of 8 (see vsw_switch_poll()): a mild
	 * back-pressure; deliveries to the blocked instance are still offered
	 * to @c send. May call vsw_backend_writable() at once.
	 * @param be  The instance.
	 * @since 2.0
	 */
	void (*want_writable)(struct vsw_backend *be);

	/**
	 * @brief Periodic work (timers, reconnection). May be NULL.
	 *
	 * Called once when a port attaches the instance, then by
	 * vsw_switch_poll() when the time it last returned has come, at once
	 * after vsw_backend_notify(), and at once when the host replaces the
	 * switch's clock (the old deadline meant nothing on the new one). The
	 * time takes part in vsw_switch_timeout_ms() and the timer behind
	 * vsw_switch_fd(). Not called for an instance no port owns. May call
	 * vsw_backend_count(), vsw_backend_notify() and vsw_backend_writable().
	 * @param be      The instance.
	 * @param now_ns  The switch's clock (vsw_switch_set_clock()).
	 * @return The switch-clock time at which to run next (a time already
	 *         past: at the next round), or UINT64_MAX for never (until
	 *         vsw_backend_notify()).
	 * @since 2.0
	 */
	uint64_t (*run)(struct vsw_backend *be, uint64_t now_ns);

	/**
	 * @brief Make the device outlive the instance, or not. May be NULL:
	 *        vsw_backend_set_persist() returns @c -EOPNOTSUPP.
	 *
	 * A persistent device stays after @c close (and after the process
	 * dies), for a later @c open to adopt. Calls nothing.
	 * @param be       The instance.
	 * @param persist  1 or 0.
	 * @return 0 or a negative errno.
	 * @since 2.1
	 */
	int (*set_persist)(struct vsw_backend *be, int persist);
};

/**
 * @brief Add a backend type.
 * @param ops  The operations, copied (since 1.3; before, they had to outlive
 *             the registration).
 * @return 0 on success, or
 *  - @c -EINVAL: @p ops is NULL, its @c size is smaller than the 2.0 struct (through @c run)
 *    or larger with non-zero unknown bytes, its name is not 1 to 15 of
 *    [a-z0-9_-], or @c open, @c close, @c recv or @c send is NULL;
 *  - @c -EEXIST: a type of that name is registered (built-ins included);
 *  - @c -ENOMEM: out of memory.
 * @since 1.0
 */
VSW_API int vsw_backend_register(const struct vsw_backend_ops *ops);

/**
 * @brief Remove a backend type added by vsw_backend_register().
 * @param name  The type name.
 * @return 0 on success, or @c -EINVAL (@p name NULL), @c -ENOENT (no such
 *         registered type; built-ins cannot be removed), or @c -EBUSY
 *         (instances of the type are open).
 * @since 1.0
 */
VSW_API int vsw_backend_unregister(const char *name);

/**
 * @brief The backend's private pointer.
 * @param be  The instance.
 * @return What vsw_backend_set_priv() stored; NULL at first.
 * @since 1.0
 */
VSW_API void *vsw_backend_priv(const struct vsw_backend *be);

/**
 * @brief Store the backend's private pointer.
 * @param be    The instance.
 * @param priv  Anything; the library never dereferences it.
 * @since 1.0
 */
VSW_API void vsw_backend_set_priv(struct vsw_backend *be, void *priv);

/**
 * @brief Tell the switch that the instance's link state may have changed.
 *
 * Safe from any thread and from the instance's own operations. Sets a flag
 * and wakes the event loop of the switch whose port owns the instance (its
 * vsw_switch_fd() polls readable; one eventfd write until the loop looks,
 * however many notifications); the next vsw_switch_poll() round calls
 * @c link_state and, if the backend has one, @c run. Teaming then reacts
 * to the new state. On an instance no port owns, the flag waits for the
 * attachment.
 * @param be  The instance.
 * @since 1.0
 */
VSW_API void vsw_backend_notify(struct vsw_backend *be);

/**
 * @brief Tell the switch that the instance's @c send has room again.
 *
 * The answer to @c want_writable. Safe from any thread and from the
 * instance's own operations. Sets a flag and wakes the switch's event loop
 * as vsw_backend_notify() does; the next vsw_switch_poll() round lifts the
 * instance's block (and the switch's back-pressure with it, once no other
 * instance is blocked). A call when the switch did not ask, or on an
 * instance no port owns, is harmless; @p be NULL is ignored.
 * @param be  The instance.
 * @since 2.0
 */
VSW_API void vsw_backend_writable(struct vsw_backend *be);

/**
 * @brief Count frames the backend itself lost on the port that owns it.
 *
 * A backend never hands the switch a frame it could not receive whole: it
 * drops it and counts it here (VSW_CTR_TRUNCATED), and it reports what the
 * kernel dropped before it could read (VSW_CTR_RX_DROPPED), so that every
 * frame that reached the backend's device is accounted for on the port.
 * Call it from the instance's own operations (the thread driving the
 * switch). On an instance no port owns, the count is discarded.
 * @param be   The instance.
 * @param ctr  VSW_CTR_TRUNCATED, VSW_CTR_RX_DROPPED or VSW_CTR_RX_ERRORS;
 *             since 2.1 also VSW_CTR_TX_ERRORS (a frame @c send dropped
 *             because the far end can never take it) and a guest's faults,
 *             VSW_CTR_BAD_DESC, VSW_CTR_BAD_VNET_HDR and VSW_CTR_BAD_RING;
 *             since 2.2 the VXLAN drops, VSW_CTR_VXLAN_SHORT to
 *             VSW_CTR_VXLAN_TOO_BIG.
 * @param n    How many frames to add.
 * @return 0 on success, or @c -EINVAL: @p be is NULL or @p ctr is not one of
 *         those.
 * @since 1.2
 */
VSW_API int vsw_backend_count(struct vsw_backend *be, enum vsw_counter ctr,
			      uint64_t n);

#ifdef __cplusplus
}
#endif

#endif /* VSW_BACKEND_H */
