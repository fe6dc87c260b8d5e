/* SPDX-License-Identifier: MIT */
/**
 * @file vsw.h
 * @brief libvsw: an embeddable VMware-style virtual switch.
 *
 * libvsw puts a standard vSwitch, in the vocabulary of VMware vSphere, inside
 * any host program: a hypervisor, an emulator, a test harness or a daemon.
 * This header is everything a user of the library needs; backend authors
 * also include vsw_backend.h, and a program that gives VMkernel ports an
 * interface in the host kernel (addresses, routes, TCP/IP stacks) includes
 * vsw_host.h.
 *
 * @section model The object model
 *
 * A @b switch (struct vsw_switch, an ESXi "vSwitch") owns @b port @b groups
 * (struct vsw_portgroup), each one L2 segment with a VLAN ID, and @b ports.
 * Ports come in three kinds that share struct vsw_port:
 *  - @b uplinks (struct vsw_uplink, the "vmnic"s): the switch's links to the
 *    physical network, teamed for load balancing and failover;
 *  - @b vNICs (struct vsw_vnic): the virtual NICs of virtual machines, each in
 *    one port group, with an initial and an effective MAC address;
 *  - @b VMkernel @b ports (struct vsw_vmk): the host's own endpoints on the
 *    switch (management, vMotion, ...), each in one port group.
 *
 * @section lifecycle Life cycle
 *
 * vsw_switch_new() creates a switch; vsw_switch_free() destroys it together
 * with every object it owns. Children are created with the @c _add functions
 * and destroyed with the matching @c _remove functions; a removed object's
 * pointer is invalid at once. A port group that still has ports cannot be
 * removed (@c -EBUSY).
 *
 * @section policies Policies and inheritance
 *
 * Security, traffic shaping and teaming policies are enum-keyed integer
 * options (enum vsw_policy). Each is set on the switch, which holds the
 * defaults, and may be overridden per port group. A port group that does not
 * override an option follows the switch's value live;
 * vsw_portgroup_policy_clear() returns an option to inheritance.
 *
 * @section errors Errors
 *
 * Every call that can fail returns an @c int: 0 on success or a negative
 * errno value. Objects are returned through an out parameter that is left
 * untouched on failure. A failed call changes nothing. Getters that cannot
 * fail return the value directly and return 0 or NULL when given NULL.
 *
 * While a switch delivers frames to a receive callback or a backend, calls
 * that would change that switch (adding, removing or reconfiguring any of
 * its objects, sending frames into it) return @c -EBUSY and change nothing.
 *
 * @section threads Thread-safety
 *
 * A switch and everything it owns is driven by one thread at a time; the
 * library takes no lock on the frame path. Different switches may be used
 * from different threads concurrently. Functions that take no switch
 * (vsw_version(), vsw_counter_name(), vsw_policy_name()) are thread-safe.
 */
#ifndef VSW_H
#define VSW_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vsw_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Marks a declaration as part of the exported ABI. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define VSW_API __attribute__((visibility("default")))
#else
#define VSW_API
#endif

/**
 * @brief Declare a growable options struct, zeroed, with its size set.
 *
 * A convenience over filling the struct by hand:
 * @code
 * VSW_OPTS(vsw_switch_opts, o, .mtu = 9000);
 * vsw_switch_new("vSwitch0", &o, &sw);
 * @endcode
 * Every byte is zeroed first, padding included: the library refuses
 * (@c -EINVAL) an options struct with a non-zero byte past the last field
 * it knows, which is how a field added in a later version reads to it. A
 * struct filled by hand must be zeroed with memset() the same way. Uses a
 * GNU statement expression (GCC and Clang, C and C++), so it declares
 * automatic variables only: a static struct is zeroed already, write it out
 * with <tt>.size = sizeof(name)</tt>.
 */
#define VSW_OPTS(TYPE, NAME, ...) \
	struct TYPE NAME = __extension__ ({ \
		memset(&NAME, 0, sizeof(struct TYPE)); \
		(struct TYPE){ .size = sizeof(struct TYPE), __VA_ARGS__ }; \
	})

/* ======================================================================
 * Lifecycle and errors: version, limits, logging (errors: see the file comment)
 * ====================================================================== */

/**
 * @defgroup version Library version
 * @{
 */

/**
 * @brief The version of the running library as "MAJOR.MINOR.MICRO".
 * @return A static string; never NULL.
 * @since 1.0
 */
VSW_API const char *vsw_version(void);

/**
 * @brief The major version of the running library.
 *
 * Equal to VSW_VERSION_MAJOR of the headers a program was built with unless
 * the library was replaced by an incompatible one.
 * @return The major version number.
 * @since 1.0
 */
VSW_API unsigned int vsw_version_major(void);

/**
 * @brief The minor version of the running library.
 *
 * A running minor version at least VSW_VERSION_MINOR of the headers means
 * every function those headers declare is present.
 * @return The minor version number.
 * @since 1.0
 */
VSW_API unsigned int vsw_version_minor(void);

/** @} */

/**
 * @defgroup limits Limits and special values
 * @{
 */

/** Longest name of a switch, port group or port, in bytes, without the NUL. */
#define VSW_NAME_MAX 63
/** Smallest switch MTU. */
#define VSW_MTU_MIN 1280
/** Largest switch MTU. */
#define VSW_MTU_MAX 9000
/** Switch MTU when none is given. */
#define VSW_MTU_DEFAULT 1500
/** Port group VLAN ID 0: the switch neither tags nor untags (EST). */
#define VSW_VLAN_NONE 0
/** Highest VLAN ID the switch tags and untags (VST). */
#define VSW_VLAN_MAX 4094
/** Port group VLAN ID 4095: guests tag their own frames (VGT, a trunk). */
#define VSW_VLAN_TRUNK 4095

/** @} */

/**
 * @defgroup logging Logging
 * @{
 */

/** Severity of a log message; the values are syslog's. */
enum vsw_log_level {
	VSW_LOG_ERR = 3,     /**< An operation failed. */
	VSW_LOG_WARNING = 4, /**< Something unexpected that the switch survived. */
	VSW_LOG_INFO = 6,    /**< A state change: link, failover, configuration. */
	VSW_LOG_DEBUG = 7,   /**< Detail for developers. */
};

struct vsw_switch;

/**
 * @brief A log handler.
 *
 * @param sw     The switch that logs.
 * @param level  The message's severity.
 * @param user   The pointer given to vsw_switch_set_log().
 * @param fmt    A printf format, without a trailing newline.
 * @param ap     Its arguments.
 */
typedef void (*vsw_log_fn)(struct vsw_switch *sw, enum vsw_log_level level,
			   void *user, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/** @} */

/* ======================================================================
 * The switch and its configuration: switches, port groups, policies, teaming
 * (with beacon probing, its failure detection)
 * ====================================================================== */

/**
 * @defgroup switch Switches
 * @{
 */

/**
 * @brief Options for vsw_switch_new().
 *
 * Fill with VSW_OPTS(). Fields left zero take their defaults; a caller built
 * against older headers passes a smaller @c size and gets defaults for the
 * fields it does not know.
 */
struct vsw_switch_opts {
	/** sizeof(struct vsw_switch_opts) as the caller knows it. */
	size_t size;
	/** MTU in bytes, VSW_MTU_MIN to VSW_MTU_MAX; 0 means VSW_MTU_DEFAULT. */
	unsigned int mtu;
	/**
	 * Capacity of the MAC table for learned addresses; 0 means 4096, at
	 * most 2^24. The addresses of the switch's own virtual ports do not
	 * count against it. When it is full, a port holding fewer learned
	 * addresses than the port holding the most takes one of its entries,
	 * so every port keeps a share.
	 */
	unsigned int max_macs;
};

/**
 * @brief Create a standard vSwitch.
 *
 * The new switch has no port groups and no ports, and the ESXi defaults for
 * every policy: promiscuous mode reject, MAC address changes accept, forged
 * transmits accept, shaping off, load balancing by originating port ID, link
 * status failure detection, notify switches and failback on, every uplink
 * active in the order added.
 *
 * @param name  The switch's name, 1 to VSW_NAME_MAX bytes with no control
 *              characters, e.g. "vSwitch0".
 * @param opts  Options, or NULL for all defaults.
 * @param out   Receives the switch on success; untouched on failure.
 * @return 0 on success, or
 *  - @c -EINVAL: @p name or @p out is NULL, @p name is empty or holds a
 *    control character, an option is out of range, or @p opts has an unknown
 *    size with non-zero bytes beyond the known fields;
 *  - @c -ENAMETOOLONG: @p name is longer than VSW_NAME_MAX;
 *  - @c -ENOMEM: out of memory.
 * @note Release the switch with vsw_switch_free().
 * @since 1.0
 */
VSW_API int vsw_switch_new(const char *name, const struct vsw_switch_opts *opts,
			   struct vsw_switch **out);

/**
 * @brief Destroy a switch and everything it owns.
 *
 * Removes every port (detaching and closing their backends), every port
 * group and every MAC table entry, then frees the switch. Pointers to any of
 * its objects are invalid afterwards.
 *
 * @param sw  The switch, or NULL (then nothing happens). Called from a
 *            receive callback of the same switch, it does nothing.
 * @since 1.0
 */
VSW_API void vsw_switch_free(struct vsw_switch *sw);

/**
 * @brief The name a switch was created with.
 * @param sw  The switch.
 * @return The name, valid as long as the switch; NULL if @p sw is NULL.
 * @since 1.0
 */
VSW_API const char *vsw_switch_name(const struct vsw_switch *sw);

/**
 * @brief The switch's MTU.
 * @param sw  The switch.
 * @return The MTU in bytes; 0 if @p sw is NULL.
 * @since 1.0
 */
VSW_API unsigned int vsw_switch_mtu(const struct vsw_switch *sw);

/**
 * @brief Change the switch's MTU.
 *
 * The MTU is the largest Ethernet payload (frame length less the 14-byte
 * header, and less one 4-byte VLAN tag if the frame carries one) the switch
 * forwards. VMkernel interfaces (vsw_vmk_iface_create()) with a larger MTU
 * are lowered to it, so that the host does not send frames the switch
 * would drop; a larger MTU does not raise them (since 1.1).
 *
 * @param sw   The switch.
 * @param mtu  VSW_MTU_MIN to VSW_MTU_MAX.
 * @return 0 on success, or
 *  - @c -EINVAL: @p sw is NULL or @p mtu is out of range;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it);
 *  - the kernel's negative errno when a VMkernel interface cannot be
 *    lowered (e.g. @c -ENODEV: it was deleted behind the library's back;
 *    @c -EINTR: a signal interrupted the wait for the kernel's answer;
 *    @c -EPROTO: the answer was malformed); the switch's MTU and every
 *    interface's are then unchanged (since 1.2; 1.1 returned 0).
 * @since 1.0
 */
VSW_API int vsw_switch_set_mtu(struct vsw_switch *sw, unsigned int mtu);

/**
 * @brief Install a log handler on a switch.
 *
 * By default a switch logs nothing at all. After this call, messages of
 * @p max_level and more severe go to @p fn. Messages come from inside
 * batches and changes, so @p fn must not change the switch: calls that
 * would return @c -EBUSY while it runs (since 1.1).
 *
 * @param sw         The switch.
 * @param fn         The handler, or NULL to silence the switch again.
 * @param max_level  The least severe level passed to @p fn.
 * @param user       Passed to @p fn unchanged.
 * @return 0 on success, or @c -EINVAL: @p sw is NULL or @p max_level is not
 *         an enum vsw_log_level value.
 * @since 1.0
 */
VSW_API int vsw_switch_set_log(struct vsw_switch *sw, vsw_log_fn fn,
			       enum vsw_log_level max_level, void *user);

/** @} */

/**
 * @defgroup portgroup Port groups
 * @{
 */

struct vsw_portgroup;

/**
 * @brief Add a port group (an L2 segment) to a switch.
 *
 * @param sw     The switch.
 * @param name   A name unique among the switch's port groups, 1 to
 *               VSW_NAME_MAX bytes with no control characters,
 *               e.g. "VM Network".
 * @param vlan   VSW_VLAN_NONE (0, no tagging), 1 to VSW_VLAN_MAX (the switch
 *               tags and untags), or VSW_VLAN_TRUNK (4095, guests tag).
 * @param flags  Must be 0.
 * @param out    Receives the port group; may be NULL.
 * @return 0 on success, or
 *  - @c -EINVAL: @p sw or @p name is NULL, @p name is empty or holds a control
 *    character, @p vlan is above 4095 or @p flags is not 0;
 *  - @c -ENAMETOOLONG: @p name is longer than VSW_NAME_MAX;
 *  - @c -EEXIST: the switch has a port group of that name;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it);
 *  - @c -ENOMEM: out of memory.
 * @since 1.0
 */
VSW_API int vsw_portgroup_add(struct vsw_switch *sw, const char *name,
			      unsigned int vlan, unsigned int flags,
			      struct vsw_portgroup **out);

/**
 * @brief Remove an empty port group.
 * @param pg  The port group.
 * @return 0 on success, or
 *  - @c -EINVAL: @p pg is NULL;
 *  - @c -EBUSY: vNICs or VMkernel ports are still in the port group, or the
 *    switch is delivering frames (called from a receive callback).
 * @since 1.0
 */
VSW_API int vsw_portgroup_remove(struct vsw_portgroup *pg);

/**
 * @brief Find a port group by name.
 * @param sw    The switch.
 * @param name  The name.
 * @param out   Receives the port group.
 * @return 0 on success, or
 *  - @c -EINVAL: an argument is NULL;
 *  - @c -ENOENT: the switch has no port group of that name.
 * @since 1.0
 */
VSW_API int vsw_portgroup_find(const struct vsw_switch *sw, const char *name,
			       struct vsw_portgroup **out);

/**
 * @brief Iterate over a switch's port groups in the order they were added.
 * @code
 * for (pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg))
 * @endcode
 * @param sw    The switch.
 * @param prev  The previous port group, or NULL for the first.
 * @return The next port group, or NULL after the last (or if @p sw is NULL).
 * @since 1.0
 */
VSW_API struct vsw_portgroup *vsw_portgroup_next(const struct vsw_switch *sw,
						 const struct vsw_portgroup *prev);

/**
 * @brief The name of a port group.
 * @param pg  The port group.
 * @return The name, valid as long as the port group; NULL if @p pg is NULL.
 * @since 1.0
 */
VSW_API const char *vsw_portgroup_name(const struct vsw_portgroup *pg);

/**
 * @brief The switch that owns a port group.
 * @param pg  The port group.
 * @return The switch; NULL if @p pg is NULL.
 * @since 1.0
 */
VSW_API struct vsw_switch *vsw_portgroup_switch(const struct vsw_portgroup *pg);

/**
 * @brief The VLAN ID of a port group.
 * @param pg  The port group.
 * @return 0, 1 to 4094, or 4095; 0 if @p pg is NULL.
 * @since 1.0
 */
VSW_API unsigned int vsw_portgroup_vlan(const struct vsw_portgroup *pg);

/**
 * @brief Change the VLAN ID of a port group; its ports move with it.
 * @param pg    The port group.
 * @param vlan  0, 1 to 4094, or 4095.
 * @return 0 on success, or
 *  - @c -EINVAL: @p pg is NULL or @p vlan is above 4095;
 *  - @c -EADDRINUSE: a port of the group has the MAC address of a port
 *    already on the new VLAN;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it);
 *  - @c -ENOMEM: out of memory.
 * @since 1.0
 */
VSW_API int vsw_portgroup_set_vlan(struct vsw_portgroup *pg, unsigned int vlan);

/**
 * @brief The number of vNICs and VMkernel ports in a port group.
 * @param pg  The port group.
 * @return The count; 0 if @p pg is NULL.
 * @since 1.0
 */
VSW_API unsigned int vsw_portgroup_port_count(const struct vsw_portgroup *pg);

struct vsw_port;

/**
 * @brief Iterate over the ports of a port group in the order they were added.
 * @param pg    The port group.
 * @param prev  The previous port, or NULL for the first.
 * @return The next port, or NULL after the last (or if @p pg is NULL).
 * @since 1.0
 */
VSW_API struct vsw_port *vsw_portgroup_port_next(const struct vsw_portgroup *pg,
						 const struct vsw_port *prev);

/** @} */

/**
 * @defgroup policy Policies
 * @{
 */

/**
 * @brief Policy option keys.
 *
 * Values are integers; booleans are 0 (reject, no, off) or 1 (accept, yes,
 * on). Every key is valid on a switch and on a port group.
 */
enum vsw_policy {
	/** Security: promiscuous mode, 0 reject (default) or 1 accept. */
	VSW_POL_PROMISCUOUS = 0,
	/** Security: MAC address changes, 0 reject or 1 accept (default). */
	VSW_POL_MAC_CHANGES = 1,
	/** Security: forged transmits, 0 reject or 1 accept (default). */
	VSW_POL_FORGED_TRANSMITS = 2,
	/** Shaping of what virtual ports send: 0 off (default) or 1 on. */
	VSW_POL_SHAPING_ENABLED = 3,
	/** Shaping: average rate in bits per second, > 0 (default 100000000). */
	VSW_POL_SHAPING_AVERAGE_BPS = 4,
	/** Shaping: peak rate in bits per second, > 0 (default 100000000). */
	VSW_POL_SHAPING_PEAK_BPS = 5,
	/** Shaping: burst size in bytes, > 0 (default 104857600). */
	VSW_POL_SHAPING_BURST_BYTES = 6,
	/** Teaming: load balancing, an enum vsw_load_balancing value. */
	VSW_POL_LOAD_BALANCING = 7,
	/** Teaming: network failure detection, an enum vsw_failure_detection. */
	VSW_POL_FAILURE_DETECTION = 8,
	/** Teaming: notify switches (RARP on failover), 0 no or 1 yes (default). */
	VSW_POL_NOTIFY_SWITCHES = 9,
	/** Teaming: failback to a recovered active uplink, 0 no or 1 yes (default). */
	VSW_POL_FAILBACK = 10,
	/** MAC learning on virtual ports (vDS class): 0 off (default) or 1 on. */
	VSW_POL_MAC_LEARNING = 11,
	/** MAC learning: learned addresses per port, 0 unlimited, default 4096;
	 *  the switch's capacity (vsw_switch_opts.max_macs) bounds it. */
	VSW_POL_MAC_LIMIT = 12,
	/** MAC learning: aging time in seconds, 0 never, default 300. */
	VSW_POL_MAC_AGING_SEC = 13,
};

/** Number of policy keys this version of the headers knows. */
#define VSW_POL_COUNT 14

/** Values of VSW_POL_LOAD_BALANCING. */
enum vsw_load_balancing {
	/** Route based on the originating virtual port (default). */
	VSW_LB_PORT_ID = 0,
	/** Route based on the source MAC hash. */
	VSW_LB_SRC_MAC = 1,
	/** Route based on the hash of source and destination IP addresses. */
	VSW_LB_IP_HASH = 2,
	/** Use explicit failover order: the first usable uplink. */
	VSW_LB_EXPLICIT = 3,
};

/** Values of VSW_POL_FAILURE_DETECTION. */
enum vsw_failure_detection {
	/** Link status only (default). */
	VSW_DETECT_LINK_STATUS = 0,
	/** Link status and beacon probing. */
	VSW_DETECT_BEACON = 1,
};

/**
 * @brief The name of a policy key, e.g. "forged_transmits".
 * @param key  A policy key.
 * @return A static string, or NULL if @p key is not a known key.
 * @since 1.0
 */
VSW_API const char *vsw_policy_name(enum vsw_policy key);

/**
 * @brief Set a switch-wide policy value (the default for port groups).
 *
 * Port groups that do not override @p key see the new value at once.
 *
 * @param sw     The switch.
 * @param key    The option.
 * @param value  The new value (see enum vsw_policy for each key's range).
 * @return 0 on success, or
 *  - @c -EINVAL: @p sw is NULL, @p key is unknown or @p value is out of
 *    range for @p key;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it).
 * @since 1.0
 */
VSW_API int vsw_switch_policy_set(struct vsw_switch *sw, enum vsw_policy key,
				  uint64_t value);

/**
 * @brief Read a switch-wide policy value.
 * @param sw     The switch.
 * @param key    The option.
 * @param value  Receives the value.
 * @return 0 on success, or @c -EINVAL: @p sw or @p value is NULL, or @p key
 *         is unknown.
 * @since 1.0
 */
VSW_API int vsw_switch_policy_get(const struct vsw_switch *sw,
				  enum vsw_policy key, uint64_t *value);

/**
 * @brief Override a policy value on one port group.
 * @param pg     The port group.
 * @param key    The option.
 * @param value  The new value (see enum vsw_policy for each key's range).
 * @return 0 on success, or
 *  - @c -EINVAL: @p pg is NULL, @p key is unknown or @p value is out of
 *    range for @p key;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it).
 * @since 1.0
 */
VSW_API int vsw_portgroup_policy_set(struct vsw_portgroup *pg,
				     enum vsw_policy key, uint64_t value);

/**
 * @brief Read a port group's effective policy value.
 *
 * @param pg         The port group.
 * @param key        The option.
 * @param value      Receives the effective value: the port group's override,
 *                   else the switch's value.
 * @param inherited  If not NULL, receives 1 when the value comes from the
 *                   switch and 0 when the port group overrides it.
 * @return 0 on success, or @c -EINVAL: @p pg or @p value is NULL, or @p key
 *         is unknown.
 * @since 1.0
 */
VSW_API int vsw_portgroup_policy_get(const struct vsw_portgroup *pg,
				     enum vsw_policy key, uint64_t *value,
				     int *inherited);

/**
 * @brief Drop a port group's override so that it inherits the switch's value.
 *
 * Clearing an option that is not overridden succeeds and changes nothing.
 *
 * @param pg   The port group.
 * @param key  The option.
 * @return 0 on success, or @c -EINVAL (@p pg is NULL or @p key is unknown)
 *         or @c -EBUSY (the switch is busy: called from a receive callback, its
 *         log handler or the callback of a walk of it).
 * @since 1.0
 */
VSW_API int vsw_portgroup_policy_clear(struct vsw_portgroup *pg,
				       enum vsw_policy key);

/** @} */

/**
 * @defgroup teaming NIC teaming order
 * @{
 */

/** Where an uplink stands in a teaming order. */
enum vsw_uplink_role {
	VSW_UPLINK_UNUSED = 0,  /**< Never carries the group's traffic. */
	VSW_UPLINK_ACTIVE = 1,  /**< Carries traffic while usable. */
	VSW_UPLINK_STANDBY = 2, /**< Takes over when active uplinks fail. */
};

/**
 * @brief Set the switch's teaming order.
 *
 * Uplinks named in neither list become unused. Until this is first called,
 * every uplink is active in the order added; after it, an uplink added to
 * the switch is appended to the switch's active list. Port groups without an
 * override of their own follow the switch's order live.
 *
 * @param sw         The switch.
 * @param active     Names of the active uplinks, in priority order; may be
 *                   NULL when @p n_active is 0.
 * @param n_active   Number of names in @p active; 0 is allowed, as on ESXi:
 *                   the traffic then takes the first usable standby uplink,
 *                   and with none it is dropped and counted as no_uplink.
 * @param standby    Names of the standby uplinks, in order; may be NULL when
 *                   @p n_standby is 0.
 * @param n_standby  Number of names in @p standby.
 * @return 0 on success, or
 *  - @c -EINVAL: @p sw is NULL, a list is NULL with a non-zero count, or an
 *    uplink is named twice;
 *  - @c -ENOENT: a name is not an uplink of the switch;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it);
 *  - @c -ENOMEM: out of memory.
 * @since 1.0
 */
VSW_API int vsw_switch_set_teaming(struct vsw_switch *sw,
				   const char *const *active, unsigned int n_active,
				   const char *const *standby, unsigned int n_standby);

/**
 * @brief Override the teaming order on one port group.
 *
 * Arguments and errors are those of vsw_switch_set_teaming(). An uplink added
 * to the switch later is unused in this port group until the order is set
 * again or cleared.
 *
 * @param pg         The port group.
 * @param active     Names of the active uplinks, in priority order (may be
 *                   NULL when @p n_active is 0).
 * @param n_active   Number of names in @p active; 0 is allowed.
 * @param standby    Names of the standby uplinks, in order.
 * @param n_standby  Number of names in @p standby.
 * @return 0 on success, or @c -EINVAL, @c -ENOENT, @c -EBUSY, @c -ENOMEM as
 *         for vsw_switch_set_teaming().
 * @since 1.0
 */
VSW_API int vsw_portgroup_set_teaming(struct vsw_portgroup *pg,
				      const char *const *active, unsigned int n_active,
				      const char *const *standby, unsigned int n_standby);

/**
 * @brief Return a port group to the switch's teaming order.
 * @param pg  The port group.
 * @return 0 on success, or @c -EINVAL (@p pg is NULL) or @c -EBUSY (the
 *         switch is busy: called from a receive callback, its log handler
 *         or the callback of a walk of it).
 * @since 1.0
 */
VSW_API int vsw_portgroup_clear_teaming(struct vsw_portgroup *pg);

/**
 * @brief Whether a port group follows the switch's teaming order.
 * @param pg  The port group.
 * @return 1 if it inherits the switch's order, 0 if it overrides it, and
 *         @c -EINVAL if @p pg is NULL.
 * @since 1.0
 */
VSW_API int vsw_portgroup_teaming_inherited(const struct vsw_portgroup *pg);

struct vsw_uplink;

/**
 * @brief Walk the switch's teaming order.
 *
 * @param sw     The switch.
 * @param role   VSW_UPLINK_ACTIVE, VSW_UPLINK_STANDBY or VSW_UPLINK_UNUSED.
 * @param index  Position in that list, from 0.
 * @return The uplink at @p index of the @p role list, in priority order
 *         (unused uplinks in the order added), or NULL past the end or on a
 *         NULL or invalid argument.
 * @since 1.0
 */
VSW_API struct vsw_uplink *vsw_switch_teaming_uplink(const struct vsw_switch *sw,
						     enum vsw_uplink_role role,
						     unsigned int index);

/**
 * @brief Walk a port group's effective teaming order.
 *
 * The effective order is the port group's override if it has one, else the
 * switch's order.
 *
 * @param pg     The port group.
 * @param role   VSW_UPLINK_ACTIVE, VSW_UPLINK_STANDBY or VSW_UPLINK_UNUSED.
 * @param index  Position in that list, from 0.
 * @return The uplink, or NULL past the end or on a NULL or invalid argument.
 * @since 1.0
 */
VSW_API struct vsw_uplink *vsw_portgroup_teaming_uplink(const struct vsw_portgroup *pg,
							enum vsw_uplink_role role,
							unsigned int index);

/** @} */

/**
 * @defgroup beacon Beacon probing
 *
 * The failure detection policy VSW_DETECT_BEACON (ESXi's "beacon probing")
 * finds uplinks whose link is up but that no longer reach the rest of the
 * team. Every interval, each uplink that a port group with beacon probing
 * lists (active or standby) sends a small broadcast beacon on each VLAN
 * those port groups use. An uplink that hears no other uplink's beacon, or
 * whose beacons no other uplink hears, for 3 intervals while at least two
 * other uplinks still hear each other is @e failed on that VLAN: the port
 * groups of that VLAN with beacon probing stop using it, and their ports
 * move (with notify switches and failback as for a link failure). With two
 * uplinks a silence cannot be blamed on either one: both stay in use and
 * the state is @e inconclusive. Beacons are consumed by the uplinks: they
 * never reach a vNIC or a VMkernel port, nor another uplink.
 *
 * The rounds run from vsw_switch_poll(), on the switch's clock
 * (vsw_switch_set_clock()). vsw-teaming(7) describes the frame format and
 * every rule.
 * @{
 */

/** Shortest beacon interval, in milliseconds. */
#define VSW_BEACON_INTERVAL_MIN 100
/** Longest beacon interval, in milliseconds. */
#define VSW_BEACON_INTERVAL_MAX 60000
/** Beacon interval of a new switch, in milliseconds (ESXi's). */
#define VSW_BEACON_INTERVAL_DEFAULT 1000

/** What beacon probing says of an uplink, from the least to the most severe. */
enum vsw_beacon_state {
	/** Not probed: no port group with beacon probing lists the uplink
	 *  (on that VLAN), or its link is down. */
	VSW_BEACON_OFF = 0,
	/** Probed, but no other uplink of the VLAN has its link up: nothing to
	 *  compare with, so beacons cannot find anything. */
	VSW_BEACON_ALONE = 1,
	/** It hears the other uplinks and they hear it. */
	VSW_BEACON_OK = 2,
	/** Silent, but fewer than two uplinks still hear each other, so the
	 *  fault cannot be located (always so with two uplinks): the uplink
	 *  stays in use. */
	VSW_BEACON_INCONCLUSIVE = 3,
	/** Cut off from the team while the others hear each other: port groups
	 *  with beacon probing on that VLAN do not use it. */
	VSW_BEACON_FAILED = 4,
};

/**
 * @brief Set how often uplinks send beacons.
 *
 * The interval is a property of the switch, like ESXi's, and applies to
 * every probed VLAN; an uplink fails after 3 silent intervals. A shorter
 * interval takes effect at once, a longer one after the current round.
 *
 * @param sw  The switch.
 * @param ms  VSW_BEACON_INTERVAL_MIN to VSW_BEACON_INTERVAL_MAX
 *            milliseconds; a new switch has VSW_BEACON_INTERVAL_DEFAULT.
 * @return 0 on success, or
 *  - @c -EINVAL: @p sw is NULL or @p ms is out of range;
 *  - @c -EBUSY: the switch is delivering frames (called from a receive
 *    callback).
 * @since 1.1
 */
VSW_API int vsw_switch_set_beacon_interval(struct vsw_switch *sw, unsigned int ms);

/**
 * @brief The beacon interval of a switch.
 * @param sw  The switch.
 * @return The interval in milliseconds; 0 if @p sw is NULL.
 * @since 1.1
 */
VSW_API unsigned int vsw_switch_beacon_interval(const struct vsw_switch *sw);

/**
 * @brief What beacon probing says of an uplink, over every probed VLAN.
 *
 * The most severe of the uplink's states on the VLANs it probes
 * (VSW_BEACON_FAILED if it failed on any of them). The state changes once
 * per interval, in vsw_switch_poll().
 *
 * @param u  The uplink.
 * @return An enum vsw_beacon_state value; VSW_BEACON_OFF if @p u is NULL.
 * @since 1.1
 */
VSW_API enum vsw_beacon_state vsw_uplink_beacon_state(const struct vsw_uplink *u);

/**
 * @brief What beacon probing says of an uplink on one VLAN.
 *
 * @param u     The uplink.
 * @param vlan  A port group VLAN ID: 0 to 4094, or 4095, which trunk port
 *              groups probe untagged and is the same as 0.
 * @return An enum vsw_beacon_state value; VSW_BEACON_OFF if @p u is NULL,
 *         @p vlan is above 4095 or the uplink does not probe that VLAN.
 * @since 1.1
 */
VSW_API enum vsw_beacon_state vsw_uplink_beacon_vlan_state(const struct vsw_uplink *u,
							    unsigned int vlan);

/** @} */

/* ======================================================================
 * Ports: the common port, vNICs, VMkernel ports (the object), uplinks
 * ====================================================================== */

/**
 * @defgroup ports Ports (common to uplinks, vNICs and VMkernel ports)
 * @{
 */

/** The kind of a port. */
enum vsw_port_kind {
	VSW_PORT_UPLINK = 1, /**< A vmnic: struct vsw_uplink. */
	VSW_PORT_VNIC = 2,   /**< A virtual machine NIC: struct vsw_vnic. */
	VSW_PORT_VMK = 3,    /**< A VMkernel port: struct vsw_vmk. */
};

/**
 * @brief Find any port of a switch by name.
 *
 * Port names are unique across all kinds within one switch.
 *
 * @param sw    The switch.
 * @param name  The port's name.
 * @param out   Receives the port.
 * @return 0 on success, or
 *  - @c -EINVAL: an argument is NULL;
 *  - @c -ENOENT: the switch has no port of that name.
 * @since 1.0
 */
VSW_API int vsw_port_find(const struct vsw_switch *sw, const char *name,
			  struct vsw_port **out);

/**
 * @brief Iterate over all ports of a switch, of every kind, in the order added.
 * @param sw    The switch.
 * @param prev  The previous port, or NULL for the first.
 * @return The next port, or NULL after the last (or if @p sw is NULL).
 * @since 1.0
 */
VSW_API struct vsw_port *vsw_port_next(const struct vsw_switch *sw,
				       const struct vsw_port *prev);

/**
 * @brief The kind of a port.
 * @param port  The port.
 * @return An enum vsw_port_kind value; 0 if @p port is NULL.
 * @since 1.0
 */
VSW_API enum vsw_port_kind vsw_port_kind(const struct vsw_port *port);

/**
 * @brief The name of a port.
 * @param port  The port.
 * @return The name, valid as long as the port; NULL if @p port is NULL.
 * @since 1.0
 */
VSW_API const char *vsw_port_name(const struct vsw_port *port);

/**
 * @brief The switch a port belongs to.
 * @param port  The port.
 * @return The switch; NULL if @p port is NULL.
 * @since 1.0
 */
VSW_API struct vsw_switch *vsw_port_switch(const struct vsw_port *port);

/**
 * @brief The port group of a vNIC or VMkernel port.
 * @param port  The port.
 * @return The port group; NULL for an uplink or if @p port is NULL.
 * @since 1.0
 */
VSW_API struct vsw_portgroup *vsw_port_portgroup(const struct vsw_port *port);

/**
 * @brief The MAC address a port is known under.
 *
 * For a vNIC, its effective MAC; for a VMkernel port, its MAC. Uplinks have
 * no MAC address in the switch.
 *
 * @param port  The port.
 * @param mac   Receives 6 bytes.
 * @return 0 on success, or
 *  - @c -EINVAL: an argument is NULL;
 *  - @c -ENODATA: @p port is an uplink.
 * @since 1.0
 */
VSW_API int vsw_port_mac(const struct vsw_port *port, uint8_t mac[6]);

/**
 * @brief Set the administrative link state of a port.
 *
 * A port whose link is down neither sends into the switch nor receives from
 * it: for a vNIC this is "connected" in vSphere, for an uplink the vmnic's
 * administrative state. Ports start up.
 *
 * @param port  The port.
 * @param up    1 for up, 0 for down.
 * @return 0 on success, or
 *  - @c -EINVAL: @p port is NULL or @p up is neither 0 nor 1;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it).
 * @since 1.0
 */
VSW_API int vsw_port_set_link(struct vsw_port *port, int up);

/**
 * @brief The link state of a port.
 *
 * Up when the port is administratively up and, when a backend is attached,
 * the backend reports carrier.
 *
 * @param port  The port.
 * @return 1 if up, 0 if down or if @p port is NULL.
 * @since 1.0
 */
VSW_API int vsw_port_link(const struct vsw_port *port);

/** @} */

/**
 * @defgroup vnic vNICs
 * @{
 */

struct vsw_vnic;

/**
 * @brief Add a virtual machine NIC to a port group.
 *
 * The vNIC's initial and effective MAC are both @p mac.
 *
 * @param pg     The port group.
 * @param name   A port name unique in the switch, e.g. "vm1.eth0".
 * @param mac    The vNIC's MAC address: 6 bytes, unicast, not all zero.
 * @param flags  Must be 0.
 * @param out    Receives the vNIC; may be NULL.
 * @return 0 on success, or
 *  - @c -EINVAL: @p pg, @p name or @p mac is NULL, @p name is empty or holds
 *    a control character, @p mac is multicast or zero, or @p flags is not 0;
 *  - @c -ENAMETOOLONG: @p name is longer than VSW_NAME_MAX;
 *  - @c -EEXIST: the switch has a port of that name;
 *  - @c -EADDRINUSE: a port on the same VLAN has that MAC;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it);
 *  - @c -ENOMEM: out of memory.
 * @since 1.0
 */
VSW_API int vsw_vnic_add(struct vsw_portgroup *pg, const char *name,
			 const uint8_t mac[6], unsigned int flags,
			 struct vsw_vnic **out);

/**
 * @brief Remove a vNIC from its switch.
 * @param v  The vNIC.
 * @return 0 on success, or @c -EINVAL (@p v is NULL) or @c -EBUSY (the
 *         switch is delivering frames: called from a receive callback).
 * @since 1.0
 */
VSW_API int vsw_vnic_remove(struct vsw_vnic *v);

/**
 * @brief The common port of a vNIC.
 * @param v  The vNIC.
 * @return Its port; NULL if @p v is NULL.
 * @since 1.0
 */
VSW_API struct vsw_port *vsw_vnic_port(struct vsw_vnic *v);

/**
 * @brief The vNIC behind a port.
 * @param port  A port.
 * @return The vNIC, or NULL if @p port is NULL or not a vNIC.
 * @since 1.0
 */
VSW_API struct vsw_vnic *vsw_port_to_vnic(struct vsw_port *port);

/**
 * @brief The initial MAC of a vNIC: the one it was added with.
 * @param v    The vNIC.
 * @param mac  Receives 6 bytes.
 * @return 0 on success, or @c -EINVAL: an argument is NULL.
 * @since 1.0
 */
VSW_API int vsw_vnic_initial_mac(const struct vsw_vnic *v, uint8_t mac[6]);

/**
 * @brief Set the effective MAC of a vNIC, as a guest that changes its address.
 *
 * The switch then knows the vNIC under the new address only. With the MAC
 * address changes policy at reject, a vNIC whose effective MAC differs from
 * its initial MAC receives no frames.
 *
 * @param v    The vNIC.
 * @param mac  6 bytes, unicast, not all zero.
 * @return 0 on success, or
 *  - @c -EINVAL: an argument is NULL, or @p mac is multicast or zero;
 *  - @c -EADDRINUSE: another port on the same VLAN has that MAC;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it).
 * @since 1.0
 */
VSW_API int vsw_vnic_set_mac(struct vsw_vnic *v, const uint8_t mac[6]);

/** @} */

/**
 * @defgroup vmk VMkernel ports
 * @{
 */

struct vsw_vmk;

/** Services a VMkernel port carries: bits of the services mask of a VMkernel port. */
enum vsw_vmk_service {
	VSW_VMK_MANAGEMENT = 1u << 0,      /**< Management traffic. */
	VSW_VMK_VMOTION = 1u << 1,         /**< vMotion. */
	VSW_VMK_PROVISIONING = 1u << 2,    /**< Provisioning (cold migration, clones). */
	VSW_VMK_FT_LOGGING = 1u << 3,      /**< Fault Tolerance logging. */
	VSW_VMK_VSAN = 1u << 4,            /**< vSAN. */
	VSW_VMK_REPLICATION = 1u << 5,     /**< vSphere Replication. */
	VSW_VMK_NFC_REPLICATION = 1u << 6, /**< vSphere Replication NFC. */
	VSW_VMK_NVME_TCP = 1u << 7,        /**< NVMe over TCP. */
	VSW_VMK_NVME_RDMA = 1u << 8,       /**< NVMe over RDMA. */
	VSW_VMK_BACKUP_NFC = 1u << 9,      /**< vSphere Backup NFC. */
	VSW_VMK_VSAN_WITNESS = 1u << 10,   /**< vSAN witness. */
};

/** Every service bit this version knows. */
#define VSW_VMK_SERVICES_ALL 0x7ffu

/**
 * @brief The name of one service bit, e.g. "vmotion".
 * @param service  Exactly one enum vsw_vmk_service bit.
 * @return A static string, or NULL if @p service is not a single known bit.
 * @since 1.0
 */
VSW_API const char *vsw_vmk_service_name(unsigned int service);

/**
 * @brief Add a VMkernel port to a port group.
 *
 * @param pg        The port group.
 * @param name      A port name unique in the switch, e.g. "vmk0".
 * @param mac       The port's MAC address: 6 bytes, unicast, not all zero.
 * @param services  A mask of enum vsw_vmk_service bits.
 * @param flags     Must be 0.
 * @param out       Receives the VMkernel port; may be NULL.
 * @return 0 on success, or
 *  - @c -EINVAL: @p pg, @p name or @p mac is NULL, @p name is empty or holds
 *    a control character, @p mac is multicast or zero, @p services has an
 *    unknown bit, or @p flags is not 0;
 *  - @c -ENAMETOOLONG: @p name is longer than VSW_NAME_MAX;
 *  - @c -EEXIST: the switch has a port of that name;
 *  - @c -EADDRINUSE: a port on the same VLAN has that MAC;
 *  - @c -EEXIST (since 1.1): @p services has VSW_VMK_FT_LOGGING and
 *    another VMkernel port of the switch carries Fault Tolerance logging;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it);
 *  - @c -ENOMEM: out of memory.
 * @since 1.0
 */
VSW_API int vsw_vmk_add(struct vsw_portgroup *pg, const char *name,
			const uint8_t mac[6], unsigned int services,
			unsigned int flags, struct vsw_vmk **out);

/**
 * @brief Remove a VMkernel port from its switch.
 *
 * Its interface of vsw_vmk_iface_create() is deleted with it, unless it
 * is persistent (vsw_vmk_iface_opts.persist, since 2.1) and
 * vsw_backend_set_persist() with 0 was not called on the port's backend
 * first: then it stays in its stack, to be adopted later.
 * @param k  The VMkernel port.
 * @return 0 on success, or @c -EINVAL (@p k is NULL) or @c -EBUSY (the
 *         switch is delivering frames: called from a receive callback; or
 *         called from a vsw_vmk_ip_foreach() or vsw_vmk_route_foreach()
 *         callback of this port).
 * @since 1.0
 */
VSW_API int vsw_vmk_remove(struct vsw_vmk *k);

/**
 * @brief The common port of a VMkernel port.
 * @param k  The VMkernel port.
 * @return Its port; NULL if @p k is NULL.
 * @since 1.0
 */
VSW_API struct vsw_port *vsw_vmk_port(struct vsw_vmk *k);

/**
 * @brief The VMkernel port behind a port.
 * @param port  A port.
 * @return The VMkernel port, or NULL if @p port is NULL or not one.
 * @since 1.0
 */
VSW_API struct vsw_vmk *vsw_port_to_vmk(struct vsw_port *port);

/**
 * @brief The services a VMkernel port carries.
 * @param k  The VMkernel port.
 * @return A mask of enum vsw_vmk_service bits; 0 if @p k is NULL.
 * @since 1.0
 */
VSW_API unsigned int vsw_vmk_services(const struct vsw_vmk *k);

/**
 * @brief Change the services a VMkernel port carries.
 * @param k         The VMkernel port.
 * @param services  A mask of enum vsw_vmk_service bits.
 * @return 0 on success, or @c -EINVAL: @p k is NULL or @p services has an
 *         unknown bit; @c -EEXIST (since 1.1): @p services has
 *         VSW_VMK_FT_LOGGING and another VMkernel port of the switch carries
 *         Fault Tolerance logging.
 * @since 1.0
 */
VSW_API int vsw_vmk_set_services(struct vsw_vmk *k, unsigned int services);

/** @} */

/**
 * @defgroup uplink Uplinks (vmnics)
 * @{
 */

/**
 * @brief Add an uplink to a switch.
 *
 * The uplink joins the switch's teaming order as described at
 * vsw_switch_set_teaming().
 *
 * @param sw     The switch.
 * @param name   A port name unique in the switch, e.g. "vmnic0".
 * @param flags  Must be 0.
 * @param out    Receives the uplink; may be NULL.
 * @return 0 on success, or
 *  - @c -EINVAL: @p sw or @p name is NULL, @p name is empty or holds a
 *    control character, or @p flags is not 0;
 *  - @c -ENAMETOOLONG: @p name is longer than VSW_NAME_MAX;
 *  - @c -EEXIST: the switch has a port of that name;
 *  - @c -EBUSY: the switch is busy (the call was made from a receive
 *    callback, its log handler or the callback of a walk of it);
 *  - @c -ENOMEM: out of memory.
 * @since 1.0
 */
VSW_API int vsw_uplink_add(struct vsw_switch *sw, const char *name,
			   unsigned int flags, struct vsw_uplink **out);

/**
 * @brief Remove an uplink from its switch and from every teaming order.
 * @param u  The uplink.
 * @return 0 on success, or @c -EINVAL (@p u is NULL) or @c -EBUSY (the
 *         switch is delivering frames: called from a receive callback).
 * @since 1.0
 */
VSW_API int vsw_uplink_remove(struct vsw_uplink *u);

/**
 * @brief Find an uplink by name.
 * @param sw    The switch.
 * @param name  The uplink's name.
 * @param out   Receives the uplink.
 * @return 0 on success, or
 *  - @c -EINVAL: an argument is NULL;
 *  - @c -ENOENT: the switch has no uplink of that name.
 * @since 1.0
 */
VSW_API int vsw_uplink_find(const struct vsw_switch *sw, const char *name,
			    struct vsw_uplink **out);

/**
 * @brief Iterate over a switch's uplinks in the order they were added.
 * @param sw    The switch.
 * @param prev  The previous uplink, or NULL for the first.
 * @return The next uplink, or NULL after the last (or if @p sw is NULL).
 * @since 1.0
 */
VSW_API struct vsw_uplink *vsw_uplink_next(const struct vsw_switch *sw,
					   const struct vsw_uplink *prev);

/**
 * @brief The common port of an uplink.
 * @param u  The uplink.
 * @return Its port; NULL if @p u is NULL.
 * @since 1.0
 */
VSW_API struct vsw_port *vsw_uplink_port(struct vsw_uplink *u);

/**
 * @brief The uplink behind a port.
 * @param port  A port.
 * @return The uplink, or NULL if @p port is NULL or not an uplink.
 * @since 1.0
 */
VSW_API struct vsw_uplink *vsw_port_to_uplink(struct vsw_port *port);

/** @} */

/* ======================================================================
 * Frames and receive
 * ====================================================================== */

/**
 * @defgroup frames Frames and the frame path
 *
 * A batch of frames enters the switch from one port through
 * vsw_port_input(); the switch forwards each frame by the rules of vsw(7)
 * ("the forwarding contract") and delivers what leaves through a port to
 * that port's backend, or to the port's receive callback when it has no
 * backend. Outputs are gathered per destination port and handed over once
 * per batch.
 * @{
 */

/** The largest number of frames vsw_port_input() takes in one call. */
#define VSW_BATCH_MAX 256

/**
 * @brief Flag of struct vsw_frame: the frame's outer 802.1Q tag is not in
 * its bytes but in vsw_frame.vlan_tci.
 *
 * Set by backends whose kernel or hardware strips VLAN tags on receive
 * (AF_PACKET reports them as auxiliary data). The switch treats such a frame
 * exactly as if a tag with TPID 0x8100 and that TCI followed the source MAC.
 * Frames the switch delivers never carry this flag.
 */
#define VSW_FRAME_VLAN_TCI 0x0001u

/**
 * @brief Flag of struct vsw_frame: the L4 checksum is partial (Linux's
 * CHECKSUM_PARTIAL, virtio's NEEDS_CSUM).
 *
 * The Internet checksum of the bytes from vsw_frame.csum_start to the end
 * is still to be stored at csum_start + csum_offset; the field holds the
 * pseudo-header's sum. The switch completes it in software for a port that
 * does not accept VSW_OFFLOAD_CSUM. @since 2.0
 */
#define VSW_FRAME_CSUM_PARTIAL 0x0002u

/**
 * @brief Flag of struct vsw_frame: the frame's checksums were verified
 * (virtio's DATA_VALID); a receiver need not verify them again. Only a hint:
 * it is passed to ports that accept VSW_OFFLOAD_CSUM and cleared for the
 * others. @since 2.0
 */
#define VSW_FRAME_CSUM_VALID 0x0004u

/**
 * @brief Flag of struct vsw_frame: a TCP super-frame whose sender set ECN's
 * CWR (virtio's GSO_ECN); its first segment carries CWR. @since 2.0
 */
#define VSW_FRAME_GSO_ECN 0x0008u

/** @brief GSO type of a super-frame (vsw_frame.gso_type). @since 2.0 */
enum vsw_gso_type {
	VSW_GSO_NONE = 0,   /**< A frame of its own, not a super-frame. */
	VSW_GSO_TCPV4 = 1,  /**< TCP over IPv4, cut into gso_size segments. */
	VSW_GSO_TCPV6 = 2,  /**< TCP over IPv6 (no extension headers). */
	VSW_GSO_UDP_L4 = 3, /**< UDP, each segment a datagram (Linux UDP_SEGMENT). */
};

/**
 * @brief One Ethernet frame: a descriptor pointing at bytes someone else owns,
 * with the offload metadata of Linux's virtio_net_hdr.
 *
 * @c data starts at the destination MAC; there is no preamble and no FCS.
 * A plain frame has every member after @c len zero (initialize descriptors
 * with designated initializers or memset). The offsets count from the first
 * byte at @c data, so they move by 4 when the switch pushes or pops a tag.
 * A frame whose metadata does not match its bytes is dropped and counted
 * (VSW_CTR_BAD_OFFLOAD): the switch never trusts it.
 *
 * This struct is fixed for the life of the 2.x ABI (it is used in arrays);
 * its @c reserved bytes are what later 2.x versions may give a meaning, and
 * must be zero.
 */
struct vsw_frame {
	/** The first byte of the Ethernet header. */
	const uint8_t *data;
	/** Number of bytes at @c data (a super-frame: all its segments' payload). */
	uint32_t len;
	/** With VSW_FRAME_VLAN_TCI: the stripped tag's TCI (PCP, DEI, VID). */
	uint16_t vlan_tci;
	/** VSW_FRAME_* flags; 0 for a plain frame. */
	uint16_t flags;
	/** With VSW_FRAME_CSUM_PARTIAL: where the checksummed bytes start. @since 2.0 */
	uint16_t csum_start;
	/** With VSW_FRAME_CSUM_PARTIAL: the checksum field's offset from
	 *  @c csum_start (16 for TCP, 6 for UDP). @since 2.0 */
	uint16_t csum_offset;
	/** With a GSO type: bytes of Ethernet, tags, IP and TCP/UDP headers. @since 2.0 */
	uint16_t hdr_len;
	/** With a GSO type: payload bytes per segment (the last may be shorter). @since 2.0 */
	uint16_t gso_size;
	/** enum vsw_gso_type. @since 2.0 */
	uint8_t gso_type;
	/** Zero. */
	uint8_t reserved[7];
};


/**
 * @brief Send a batch of frames into the switch from one port.
 *
 * Each frame is forwarded by the rules of the forwarding contract
 * (vsw-forwarding(7)):
 * sanity, VLAN classification, the port group's security and shaping
 * policy, the uplink guards, the MAC table lookup, then egress tagging and
 * delivery. Every frame is either delivered to at least one port or counted
 * under one drop counter; the port's rx counters count every frame of the
 * batch.
 *
 * The switch reads the frames during the call only and never writes to
 * them: the caller may reuse the buffers as soon as the call returns.
 * Deliveries made by this call (backend sends and receive callbacks) have
 * all happened when it returns.
 *
 * @param port    The port the frames come from (any kind).
 * @param frames  @p n frame descriptors; may be NULL when @p n is 0.
 * @param n       0 to VSW_BATCH_MAX.
 * @return 0 on success (whatever became of the frames), or
 *  - @c -EINVAL: @p port is NULL, @p frames is NULL with @p n above 0, or
 *    @p n is above VSW_BATCH_MAX (no frame is processed);
 *  - @c -EBUSY: called while the switch is busy otherwise than delivering
 *    (from a MAC-table or LLDP walk's callback, for instance).
 * Called from a receive callback or a backend's @c send of the same switch
 * while it delivers, the frames are copied into the switch's input queue
 * and forwarded when that delivery ends, and 0 is returned (since 2.0; 1.x
 * returned @c -EBUSY). Frames that do not fit are counted in the port's rx
 * counters and VSW_CTR_QUEUE_FULL.
 * @note No allocation, lock or system call happens per frame.
 * @since 1.0
 */
VSW_API int vsw_port_input(struct vsw_port *port, const struct vsw_frame *frames,
			   unsigned int n);

/**
 * @brief A receive callback: the switch delivers a batch of frames to a port.
 *
 * The frames and their bytes are valid only during the call; copy what you
 * keep. Frames never carry VSW_FRAME_VLAN_TCI: tags are in the bytes. They
 * carry offload metadata only of the kinds the port accepts
 * (vsw_port_set_offloads(); none by default): the switch finishes the rest.
 *
 * The callback may call vsw_port_input() on the same switch (a device model
 * answering a frame): that input is queued and forwarded when the current
 * delivery ends (VSW_CTR_QUEUE_FULL when the queue is full). It must not
 * add, remove or reconfigure objects of the same switch (those calls return
 * @c -EBUSY).
 *
 * @param port    The receiving port.
 * @param frames  The frames, in the order the switch forwarded them.
 * @param n       Number of frames, at least 1.
 * @param user    The pointer given when the callback was set.
 * @return How many frames it took, from the first: @p n for all. The rest
 *         are counted in VSW_CTR_TX_FULL and not in the port's tx counters.
 * @since 2.0 (1.x returned void)
 */
typedef unsigned int (*vsw_rx_fn)(struct vsw_port *port, const struct vsw_frame *frames,
				  unsigned int n, void *user);

/**
 * @brief Receive the frames the switch delivers to a port through a callback.
 *
 * For ports without a backend: a host program that does its own I/O (an
 * emulator's device model) gets the port's deliveries here. When a backend
 * is attached, deliveries go to the backend and the callback is not called.
 *
 * @param port  The port (any kind).
 * @param fn    The callback, or NULL to stop receiving.
 * @param user  Passed to @p fn.
 * @return 0 on success, or @c -EINVAL: @p port is NULL.
 * @since 1.0
 */
VSW_API int vsw_port_set_rx(struct vsw_port *port, vsw_rx_fn fn, void *user);

/**
 * @brief vsw_port_set_rx() on a vNIC's port.
 * @param v     The vNIC.
 * @param fn    The callback, or NULL.
 * @param user  Passed to @p fn.
 * @return 0 on success, or @c -EINVAL: @p v is NULL.
 * @since 1.0
 */
VSW_API int vsw_vnic_set_rx(struct vsw_vnic *v, vsw_rx_fn fn, void *user);

/**
 * @brief vsw_port_set_rx() on a VMkernel port's port.
 * @param k     The VMkernel port.
 * @param fn    The callback, or NULL.
 * @param user  Passed to @p fn.
 * @return 0 on success, or @c -EINVAL: @p k is NULL.
 * @since 1.0
 */
VSW_API int vsw_vmk_set_rx(struct vsw_vmk *k, vsw_rx_fn fn, void *user);

/** @brief Offload: frames with VSW_FRAME_CSUM_PARTIAL. @since 2.0 */
#define VSW_OFFLOAD_CSUM (1ull << 0)
/** @brief Offload: VSW_GSO_TCPV4 super-frames (with VSW_OFFLOAD_CSUM). @since 2.0 */
#define VSW_OFFLOAD_TSO4 (1ull << 1)
/** @brief Offload: VSW_GSO_TCPV6 super-frames (with VSW_OFFLOAD_CSUM). @since 2.0 */
#define VSW_OFFLOAD_TSO6 (1ull << 2)
/** @brief Offload: TCP super-frames with VSW_FRAME_GSO_ECN. @since 2.0 */
#define VSW_OFFLOAD_TSO_ECN (1ull << 3)
/** @brief Offload: VSW_GSO_UDP_L4 super-frames (with VSW_OFFLOAD_CSUM). @since 2.0 */
#define VSW_OFFLOAD_USO (1ull << 4)
/** @brief Every offload this version of the headers knows. @since 2.0 */
#define VSW_OFFLOAD_ALL (VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4 | VSW_OFFLOAD_TSO6 | \
			 VSW_OFFLOAD_TSO_ECN | VSW_OFFLOAD_USO)

/**
 * @brief Say which offloaded frames a port's receiver takes as they are.
 *
 * A frame with offload metadata goes to a port as it is when the port
 * accepts its kind; otherwise the switch completes its checksum or cuts
 * the super-frame into segments in software first (VSW_CTR_SW_CSUM,
 * VSW_CTR_SW_SEGMENTED). A GSO type is accepted only together with
 * VSW_OFFLOAD_CSUM, and a TCP super-frame with VSW_FRAME_GSO_ECN only with
 * VSW_OFFLOAD_TSO_ECN too.
 *
 * A port without a backend (a receive callback) accepts nothing until this
 * is called. Attaching a backend sets what the backend accepts (its
 * @c offloads operation, vsw_backend.h); this call may then narrow it, never
 * widen it beyond the backend's.
 *
 * @param port      The port.
 * @param offloads  VSW_OFFLOAD_* bits.
 * @return 0 on success, or @c -EINVAL: @p port is NULL or @p offloads has
 *         bits outside VSW_OFFLOAD_ALL; @c -EBUSY: called while the switch
 *         delivers.
 * @since 2.0
 */
VSW_API int vsw_port_set_offloads(struct vsw_port *port, uint64_t offloads);

/**
 * @brief The offloaded frames a port's receiver takes as they are.
 * @param port  The port.
 * @return VSW_OFFLOAD_* bits; 0 if @p port is NULL.
 * @since 2.0
 */
VSW_API uint64_t vsw_port_offloads(const struct vsw_port *port);

/**
 * @brief A clock: monotonic time in nanoseconds.
 * @param user  The pointer given to vsw_switch_set_clock().
 * @return Nanoseconds since an arbitrary origin; never decreasing.
 */
typedef uint64_t (*vsw_clock_fn)(void *user);

/**
 * @brief Replace the clock a switch reads for shaping, MAC aging and timers.
 *
 * The default clock is CLOCK_MONOTONIC. Tests install their own clock to
 * drive token buckets, aging and LLDP without sleeping. The switch reads
 * the clock once per batch when shaping or MAC learning is on somewhere
 * (and not at all otherwise), plus at most once a second to age learned
 * addresses when a port reaches its MAC limit; LLDP reads it per LLDP
 * frame received; the event loop reads it in each vsw_switch_poll() round
 * and vsw_switch_timeout_ms() call while a timer is set on it (LLDP
 * advertising or neighbors, beacon probing, learned addresses, a backend's
 * @c run hook), and not otherwise. Every deadline taken on the old clock
 * moves to the new one: LLDP's keep their distance, a beacon round and
 * every backend's @c run are due at once, MAC aging is computed again.
 * The old clock is never called again, so its owner may release it before
 * this call.
 *
 * @param sw    The switch.
 * @param fn    The clock, or NULL for CLOCK_MONOTONIC.
 * @param user  Passed to @p fn.
 * @return 0 on success, or @c -EINVAL: @p sw is NULL.
 * @since 1.0
 */
VSW_API int vsw_switch_set_clock(struct vsw_switch *sw, vsw_clock_fn fn, void *user);

/**
 * @brief The uplink a virtual port's traffic currently leaves through.
 *
 * Chosen by the port group's load balancing policy and teaming order among
 * the usable uplinks: link up and, with beacon probing, not found failed by
 * the beacons of the port group's VLAN. For IP-hash port groups, where each flow may
 * take another active uplink, this is the first usable active uplink; for
 * source-MAC hashing, the uplink of the port's own MAC.
 *
 * @param port  A vNIC or VMkernel port.
 * @return The uplink, or NULL when none is usable, the port is an uplink
 *         or @p port is NULL.
 * @since 1.0
 */
VSW_API struct vsw_uplink *vsw_port_current_uplink(const struct vsw_port *port);

/** @} */

/* ======================================================================
 * The event loop
 * ====================================================================== */

/**
 * @defgroup loop The event loop
 *
 * The host program owns the thread. Either it calls vsw_switch_poll() from
 * its own loop whenever vsw_switch_fd() polls readable, or it hands the
 * thread to vsw_switch_run() until vsw_switch_stop().
 *
 * The loop has no periodic tick (since 2.0). It sleeps until a backend's
 * descriptor is ready, a notification arrives (vsw_backend_notify(),
 * vsw_backend_writable(), from any thread), an interface bound to a
 * backend changes (rtnetlink link events), or the switch's next deadline
 * comes (vsw_switch_timeout_ms()). An idle switch whose backends all have
 * descriptors does not wake at all.
 * @{
 */

/**
 * @brief Run one round of the switch's event loop.
 *
 * Waits up to @p timeout_ms for work (a backend's descriptor ready, a
 * notification, a link event, a deadline), then:
 *  - receives from every ready backend up to 8 batches of VSW_BATCH_MAX
 *    frames each, so that no port starves the others, and forwards them;
 *    a backend without a descriptor is received from in every round, and
 *    the wait is then at most 1 ms;
 *  - reads the link state of the backends whose link may have changed: a
 *    notified backend, a backend on a kernel interface named by an
 *    rtnetlink link event (RTM_NEWLINK, RTM_DELLINK; opened when the first
 *    such backend is attached, in the calling thread's network namespace),
 *    every 100 ms a backend without a descriptor or whose socket lives in
 *    another network namespace, and once 100 ms after a backend received or
 *    sent frames (the kernel's drop counts and the MTU are read with the
 *    link);
 *  - runs what is due: backends' @c run hooks, MAC aging, beacon rounds,
 *    LLDP advertising and neighbor expiry (all on the switch's clock,
 *    vsw_switch_set_clock());
 *  - forwards the input queued while the switch delivered
 *    (vsw_port_input() from a receive callback);
 *  - sets the timer of vsw_switch_fd() for the next deadline.
 *
 * Back-pressure: while a port's backend is blocked (its last send took
 * fewer frames than offered, see @c want_writable in vsw_backend.h), every
 * ready backend is received from once per round instead of 8 times, so
 * that the switch does not read faster than it can forward; receiving
 * stops nowhere, and nothing is queued for the blocked port. The block
 * ends with vsw_backend_writable(), when the backend's descriptor polls
 * writable (for a backend without @c want_writable; the round waits for
 * that too), after 1 s at most for a descriptor that never does, and at
 * the next round for a backend without a descriptor.
 *
 * @param sw          The switch.
 * @param timeout_ms  0 to return at once, -1 to wait without limit. The
 *                    wait also ends at the switch's next deadline.
 * @return The number of frames received, or @c -EINVAL (@p sw NULL),
 *         @c -EBUSY (called while the switch delivers), a negative errno
 *         of epoll_create1(2), timerfd_create(2), eventfd(2) or epoll_ctl(2)
 *         when the loop is set up on the first call, or, since 1.2, the
 *         negative errno of a failed epoll_wait(2) (1.1 returned 0). A
 *         signal that interrupts the wait is not a failure: the round
 *         returns what it received, usually 0.
 * @note A switch without rtnetlink (the socket cannot be opened) polls
 *       the link of its kernel-interface backends every 100 ms, as 1.x
 *       did, and logs a warning once per backend.
 * @since 1.0
 */
VSW_API int vsw_switch_poll(struct vsw_switch *sw, int timeout_ms);

/**
 * @brief How long the host's loop may sleep before calling vsw_switch_poll().
 *
 * For a host that drives the switch from its own loop: the time until the
 * switch's next deadline, so that it need not wake on a fixed tick. The
 * deadlines are: a backend's @c run hook; MAC aging, while learned
 * addresses exist (the earliest expiry); beacon probing rounds, while a
 * port group probes; LLDP advertising and neighbor expiry, while the
 * switch advertises or knows a neighbor; a link read 100 ms after a
 * backend carried frames, and every 100 ms for backends whose link cannot
 * be watched otherwise; and 1 ms while a backend without a descriptor is
 * attached (it is received from in every round). An idle switch whose
 * backends all have descriptors has no deadline at all: link changes of
 * kernel interfaces arrive as rtnetlink events on vsw_switch_fd().
 *
 * The call also sets the timer behind vsw_switch_fd() for that deadline.
 * A host that changed the switch between rounds (a setting, input given
 * with vsw_port_input(), a new clock) calls it before it sleeps;
 * configuration calls that move a deadline earlier also make
 * vsw_switch_fd() readable at once. Deadlines on a host-supplied clock
 * (vsw_switch_set_clock()) are converted to a wait as if that clock ran at
 * the speed of CLOCK_MONOTONIC.
 *
 * @param sw  The switch.
 * @return Milliseconds (rounded up, at most INT_MAX), 0 if work is
 *         pending now (a notified or writable backend, queued input, a
 *         deadline passed, a change of configuration to take in), -1 for
 *         no deadline (wait for vsw_switch_fd() alone), or @c -EINVAL
 *         (@p sw NULL).
 * @since 2.0
 */
VSW_API int vsw_switch_timeout_ms(struct vsw_switch *sw);

/**
 * @brief One file descriptor that polls readable when the switch has work.
 *
 * An epoll descriptor over every backend's descriptor, the switch's timer
 * (set for the next deadline at the end of each vsw_switch_poll() round and
 * by vsw_switch_timeout_ms()), its wake-up eventfd (notifications from any
 * thread, vsw_switch_stop(), configuration that moves a deadline earlier)
 * and, once a backend on a kernel interface is attached, an rtnetlink
 * socket; add it to the host's own poll, select or epoll set and call
 * vsw_switch_poll(sw, 0) when it is readable. It stays the same for the
 * life of the switch.
 *
 * @param sw  The switch.
 * @return The descriptor, or @c -EINVAL (@p sw NULL) or the negative errno
 *         of epoll_create1(), timerfd_create(), eventfd() or epoll_ctl().
 * @since 1.0
 */
VSW_API int vsw_switch_fd(struct vsw_switch *sw);

/**
 * @brief Run the event loop until vsw_switch_stop().
 * @param sw  The switch.
 * @return 0 after vsw_switch_stop(), or the negative errno of the
 *         vsw_switch_poll() that failed: @c -EINVAL (@p sw NULL), @c -EBUSY
 *         (called while the switch delivers), or an error of the event
 *         loop's set-up or of epoll_wait(2). Signals do not stop it.
 * @since 1.0
 */
VSW_API int vsw_switch_run(struct vsw_switch *sw);

/**
 * @brief Make vsw_switch_run() return.
 *
 * Safe to call from a signal handler or another thread; the loop returns
 * after its current round.
 *
 * @param sw  The switch.
 * @return 0 on success, or @c -EINVAL if @p sw is NULL.
 * @since 1.0
 */
VSW_API int vsw_switch_stop(struct vsw_switch *sw);

/** @} */

/* ======================================================================
 * Backends
 * ====================================================================== */

/**
 * @defgroup backend Backends: moving frames to and from the outside
 *
 * A backend instance connects a port to the world outside the process: a
 * tap device, a network interface through AF_PACKET, an in-process memory
 * wire. The spec string's prefix selects the backend ("memory:wire0",
 * "tap:vm1"); vsw-backends(7) lists the built-in ones. Backends can also be
 * opened on their own, without a switch: a test opens one end of a memory
 * wire to play the physical network behind an uplink.
 * @{
 */

struct vsw_backend;

/**
 * @brief Open a backend instance from a spec.
 *
 * @param spec     "TYPE:ARGUMENT", e.g. "memory:wire0" or "tap:vm1".
 * @param options  Backend-specific "key=value,key=value" options, or NULL.
 * @param out      Receives the instance.
 * @return 0 on success, or
 *  - @c -EINVAL: @p spec or @p out is NULL, @p spec has no ':', or the
 *    argument or an option is invalid for the backend;
 *  - @c -ENOENT: no backend of that type is registered;
 *  - @c -EBUSY: the resource is taken (both ends of a memory wire are open);
 *  - @c -ENOMEM: out of memory;
 *  - @c -EIO: the backend's open failed with a positive value (a bug in a
 *    registered backend);
 *  - any other negative errno the backend's open reports (e.g. @c -EPERM).
 * @note Close it with vsw_backend_close(), or hand it to a port with
 *       vsw_port_attach_backend().
 * @since 1.0
 */
VSW_API int vsw_backend_open(const char *spec, const char *options,
			     struct vsw_backend **out);

/**
 * @brief Why the calling thread's last vsw_backend_open() failed, in words.
 *
 * A backend may say why its open failed, in one line, where an errno
 * alone does not ("tap vm1: no such tap in netns guest1 and 'existing'
 * was asked: none created", "tap: bad option 'persist=1' ..."). The
 * reason is kept per thread, until the thread's next vsw_backend_open()
 * (or vsw_port_attach(), which opens, and logs the reason on the port's
 * switch itself).
 * @return A string owned by the library, valid until the calling
 *         thread's next open; "" when the last open succeeded, or its
 *         backend gave no reason (the errno is then all there is).
 * @since 2.1
 */
VSW_API const char *vsw_backend_open_reason(void);

/**
 * @brief Close a backend instance that no port owns.
 * @param be  The instance, or NULL (then nothing happens). An instance
 *            attached to a port is closed by vsw_port_detach() instead, and
 *            this call ignores it.
 * @since 1.0
 */
VSW_API void vsw_backend_close(struct vsw_backend *be);

/**
 * @brief The type name of a backend instance, e.g. "memory".
 * @param be  The instance.
 * @return A string valid while the instance is open; NULL if @p be is NULL.
 * @since 1.0
 */
VSW_API const char *vsw_backend_type(const struct vsw_backend *be);

/**
 * @brief Receive up to @p n frames from a backend that no port owns.
 *
 * Never blocks. The frames point into the backend's buffers and stay valid
 * until the next receive on the instance or its close.
 *
 * @param be      The instance.
 * @param frames  Receives up to @p n descriptors.
 * @param n       Capacity of @p frames.
 * @return The number of frames received (0 when none is waiting), or
 *  - @c -EINVAL: @p be or @p frames is NULL;
 *  - @c -EBUSY: the instance is attached to a port (the switch receives);
 *  - another negative errno from the backend.
 * @since 1.0
 */
VSW_API int vsw_backend_recv(struct vsw_backend *be, struct vsw_frame *frames,
			     unsigned int n);

/**
 * @brief Send frames through a backend that no port owns.
 *
 * Never blocks. The backend copies what it keeps; the caller's buffers are
 * free again when the call returns.
 *
 * @param be      The instance.
 * @param frames  @p n frames.
 * @param n       Number of frames.
 * @return The number of frames accepted (fewer than @p n when the backend's
 *         queue is full), or
 *  - @c -EINVAL: @p be or @p frames is NULL;
 *  - @c -EBUSY: the instance is attached to a port;
 *  - another negative errno from the backend (e.g. @c -ENETDOWN).
 * @since 1.0
 */
VSW_API int vsw_backend_send(struct vsw_backend *be, const struct vsw_frame *frames,
			     unsigned int n);

/**
 * @brief The pollable file descriptor of a backend instance.
 * @param be  The instance.
 * @return A descriptor that polls readable when frames or events wait, or
 *         a negative errno: @c -EINVAL if @p be is NULL, @c -EOPNOTSUPP if
 *         the backend has none.
 * @since 1.0
 */
VSW_API int vsw_backend_fd(const struct vsw_backend *be);

/**
 * @brief The link (carrier) state a backend reports.
 * @param be  The instance.
 * @return 1 when up, 0 when down, or a negative errno (@c -EINVAL if @p be
 *         is NULL).
 * @since 1.0
 */
VSW_API int vsw_backend_link(struct vsw_backend *be);

/**
 * @brief Bring a backend's link up or down, where the backend can.
 *
 * For a memory wire, this plugs or unplugs the cable: both ends see the
 * change. A switch notices the change of an attached instance in its next
 * vsw_switch_poll().
 *
 * @param be  The instance.
 * @param up  1 or 0.
 * @return 0 on success, or @c -EINVAL (@p be NULL or @p up not 0 or 1),
 *         @c -EOPNOTSUPP (the backend cannot), or another negative errno.
 * @since 1.0
 */
VSW_API int vsw_backend_set_link(struct vsw_backend *be, int up);

/**
 * @brief Make the device behind a backend outlive the instance, or not.
 *
 * A persistent device stays when the instance closes (vsw_backend_close(),
 * vsw_port_detach(), the port's or the switch's removal) and when the
 * process dies, even by SIGKILL: the next open of the same spec adopts it
 * (for a tap: the same interface, its ifindex, namespace, addresses and
 * MAC). A device that is not persistent goes away with the instance that
 * created it. The tap backend's @c persist option sets it at open.
 *
 * A daemon that keeps its guests' interfaces across its own restarts opens
 * them persistent, and when a port is removed for good calls this with 0
 * before the port goes, so that the interface goes with it; when only the
 * daemon stops, it leaves them.
 *
 * @param be       The instance (attached to a port or not).
 * @param persist  1 or 0.
 * @return 0 on success, or @c -EINVAL (@p be NULL or @p persist not 0 or
 *         1), @c -EOPNOTSUPP (the backend has no such notion: every
 *         built-in backend but tap), or another negative errno (for a
 *         tap: of the TUNSETPERSIST ioctl, e.g. @c -EPERM).
 * @since 2.1
 */
VSW_API int vsw_backend_set_persist(struct vsw_backend *be, int persist);

/**
 * @brief The MAC address of the device behind a backend instance.
 * @param be   The instance.
 * @param mac  Receives 6 bytes.
 * @return 0 on success, or @c -EINVAL (an argument is NULL),
 *         @c -EOPNOTSUPP (the backend has no device MAC, e.g. memory), or
 *         another negative errno from the backend.
 * @since 1.0
 */
VSW_API int vsw_backend_mac(struct vsw_backend *be, uint8_t mac[6]);

/**
 * @brief The MTU of the device behind a backend instance.
 * @param be  The instance.
 * @return The MTU in bytes, or @c -EINVAL (@p be is NULL),
 *         @c -EOPNOTSUPP (the backend has none), or another negative errno.
 * @since 1.0
 */
VSW_API int vsw_backend_mtu(struct vsw_backend *be);

/**
 * @brief Open a backend from a spec and attach it to a port.
 *
 * Frames the switch delivers to the port then go to the backend, and the
 * switch receives from the backend in vsw_switch_poll(). The port's link
 * follows the backend's carrier.
 *
 * @param port     The port (any kind).
 * @param spec     As for vsw_backend_open().
 * @param options  As for vsw_backend_open().
 * @return 0 on success, @c -EINVAL if @p port is NULL, @c -EBUSY if the port
 *         already has a backend or the switch is delivering, any error of
 *         vsw_backend_open() (@c -ENOENT: no such backend type, @c -ENOMEM,
 *         @c -EIO, ...), or, once the event loop runs, an error of
 *         epoll_ctl(2) adding the backend's descriptor (e.g. @c -ENOSPC).
 * @since 1.0
 */
VSW_API int vsw_port_attach(struct vsw_port *port, const char *spec, const char *options);

/**
 * @brief Attach an open backend instance to a port; the port takes it over.
 * @param port  The port.
 * @param be    An open instance that no port owns.
 * @return 0 on success (the port now owns @p be), or @c -EINVAL (an
 *         argument is NULL), @c -EBUSY (the port has a backend, @p be
 *         belongs to a port, or the switch is delivering), or, once the
 *         event loop runs, an error of epoll_ctl(2) adding the backend's
 *         descriptor (e.g. @c -ENOSPC).
 * @since 1.0
 */
VSW_API int vsw_port_attach_backend(struct vsw_port *port, struct vsw_backend *be);

/**
 * @brief Detach and close a port's backend.
 *
 * On a VMkernel port whose backend is its interface
 * (vsw_vmk_iface_create()), the interface goes too, and the port can be
 * given a new one.
 *
 * @param port  The port.
 * @return 0 on success, or @c -EINVAL (@p port NULL), @c -ENOENT (no backend
 *         attached) or @c -EBUSY (the switch is delivering, or a
 *         vsw_vmk_ip_foreach() or vsw_vmk_route_foreach() of the port is
 *         running).
 * @since 1.0
 */
VSW_API int vsw_port_detach(struct vsw_port *port);

/**
 * @brief The backend attached to a port.
 * @param port  The port.
 * @return The instance, or NULL if none is attached or @p port is NULL.
 * @since 1.0
 */
VSW_API struct vsw_backend *vsw_port_backend(const struct vsw_port *port);

/** @} */

/* ======================================================================
 * Observability: counters, the MAC table, LLDP and its neighbours
 * ====================================================================== */

/**
 * @defgroup counters Port counters
 * @{
 */

/**
 * @brief Per-port counters.
 *
 * Traffic counters are seen from the switch: @c rx counts what the port
 * sent into the switch, @c tx what the switch delivered to the port. Each
 * drop reason counts frames the switch discarded. New counters may be added
 * at the end in later versions: find the end at run time with
 * vsw_counter_name() returning NULL.
 */
enum vsw_counter {
	VSW_CTR_RX_PACKETS = 0,      /**< Frames the port sent into the switch. */
	VSW_CTR_RX_BYTES = 1,        /**< Their bytes. */
	VSW_CTR_TX_PACKETS = 2,      /**< Frames delivered to the port. */
	VSW_CTR_TX_BYTES = 3,        /**< Their bytes. */
	VSW_CTR_RUNT = 4,            /**< Drop: shorter than its headers. */
	VSW_CTR_BAD_SRC = 5,         /**< Drop: multicast or zero source MAC. */
	VSW_CTR_OVERSIZE = 6,        /**< Drop: payload above the switch MTU. */
	VSW_CTR_VLAN_VIOLATION = 7,  /**< Drop: a tag the port may not send. */
	VSW_CTR_FORGED = 8,          /**< Drop: forged source MAC (policy reject). */
	VSW_CTR_SHAPED = 9,          /**< Drop: over the traffic shaping rate. */
	VSW_CTR_REFLECTED = 10,      /**< Drop: a local MAC came back on an uplink. */
	VSW_CTR_UNKNOWN_DST = 11,    /**< Drop: unknown unicast from an uplink. */
	VSW_CTR_NO_UPLINK = 12,      /**< Drop: no usable uplink for the frame. */
	VSW_CTR_NO_RECEIVER = 13,    /**< Drop: a flood that no port may receive. */
	VSW_CTR_SELF_DST = 14,       /**< Drop: addressed to its own source port. */
	VSW_CTR_MAC_CHANGE_BLOCKED = 15, /**< Drop (on the receiver): MAC changed, policy reject. */
	VSW_CTR_LINK_DOWN = 16,      /**< Drop: the port's link is down. */
	VSW_CTR_TX_ERRORS = 17,      /**< Error: the port's backend refused a frame. */
	VSW_CTR_RX_ERRORS = 18,      /**< Error: the port's backend failed to receive. */
	VSW_CTR_LEARN_REFUSED = 19,  /**< Event: a MAC not learned (limit or table full). */
	VSW_CTR_RARP_SENT = 20,      /**< Event: notify-switches RARP frames sent. */
	/** Event (uplinks): beacon probes sent, one per probed VLAN per interval. @since 1.1 */
	VSW_CTR_BEACON_SENT = 21,
	/** Event (uplinks): beacons heard from another uplink of the switch. @since 1.1 */
	VSW_CTR_BEACON_RX = 22,
	/** Event (uplinks): intervals in which the uplink heard no other uplink,
	 *  counted once per probed VLAN. @since 1.1 */
	VSW_CTR_BEACON_MISSED = 23,
	/** Event (uplinks): beacon frames consumed without effect: another
	 *  switch's, the uplink's own coming back, or malformed. @since 1.1 */
	VSW_CTR_BEACON_IGNORED = 24,
	/**
	 * Event: LLDP frames (ethertype 0x88cc to a group address of 802.1AB)
	 * the port sent into the switch. The switch consumes them: they are
	 * never forwarded, and on an uplink they feed its neighbor table.
	 * @since 1.1
	 */
	VSW_CTR_LLDP_RX = 25,
	/** Event: LLDPDUs the switch advertised on the uplink. @since 1.1 */
	VSW_CTR_LLDP_TX = 26,
	/**
	 * Event: LLDP frames received on the uplink while listening that left
	 * the neighbor table unchanged: malformed, or from a new neighbor when
	 * the table was full. Counted in VSW_CTR_LLDP_RX as well.
	 * @since 1.1
	 */
	VSW_CTR_LLDP_DISCARDED = 27,
	/**
	 * Error: a frame arrived longer than the port's backend could receive
	 * whole (its buffer or ring slot), and was dropped by the backend
	 * rather than handed to the switch cut short. @since 1.2
	 */
	VSW_CTR_TRUNCATED = 28,
	/**
	 * Error: frames the port's backend lost before it could read them
	 * (the kernel's socket or ring was full), as the kernel reports them,
	 * e.g. PACKET_STATISTICS on AF_PACKET. @since 1.2
	 */
	VSW_CTR_RX_DROPPED = 29,
	/**
	 * Drop: offload metadata that does not match the frame's bytes
	 * (csum_start past the end, gso_size 0 or not smaller than the payload,
	 * hdr_len other than the real headers, a GSO type on a frame that is
	 * not TCP or UDP over IP, unknown flags or GSO type, reserved bytes
	 * set). Counted on the port the frame came from. @since 2.0
	 */
	VSW_CTR_BAD_OFFLOAD = 30,
	/**
	 * Drop (on the receiver): a frame with offload metadata the port does
	 * not accept, which the switch could not finish for it in software.
	 * @since 2.0
	 */
	VSW_CTR_OFFLOAD_FAILED = 31,
	/** Event (on the receiver): super-frames the switch segmented in
	 *  software because the port does not accept their GSO type. @since 2.0 */
	VSW_CTR_SW_SEGMENTED = 32,
	/** Event (on the receiver): partial checksums the switch completed in
	 *  software because the port does not accept VSW_OFFLOAD_CSUM. @since 2.0 */
	VSW_CTR_SW_CSUM = 33,
	/**
	 * Drop (on the receiver): frames the port's receiver did not take —
	 * the backend's queue was full (its @c send took fewer) or the receive
	 * callback returned fewer than it was given. The switch keeps nothing:
	 * they are lost, not failed (compare VSW_CTR_TX_ERRORS). @since 2.0
	 */
	VSW_CTR_TX_FULL = 34,
	/**
	 * Drop: frames given to vsw_port_input() from inside a delivery of the
	 * same switch (a receive callback answering) when the switch's queue
	 * for such input was full. @since 2.0
	 */
	VSW_CTR_QUEUE_FULL = 35,
	/**
	 * Error: descriptor chains a guest offered that the port's backend
	 * refused (vhostuser): a buffer outside the guest's memory, a chain
	 * that loops or is longer than its ring, an indirect table nested or
	 * misplaced, a buffer of the wrong direction. The frame is lost; the
	 * chain goes back to the guest used (empty). @since 2.1
	 */
	VSW_CTR_BAD_DESC = 36,
	/** Error: frames from a guest whose virtio-net header was shorter than
	 *  negotiated or of a GSO type the frame contract has no name for
	 *  (UFO); lost. A header whose offsets lie is VSW_CTR_BAD_OFFLOAD.
	 *  @since 2.1 */
	VSW_CTR_BAD_VNET_HDR = 37,
	/** Error: a guest's ring index moved impossibly (more than the ring
	 *  ahead, a head out of range): the ring stops and the port's link is
	 *  down until the guest's driver sets the ring up again. @since 2.1 */
	VSW_CTR_BAD_RING = 38,
	/** Drop (on the receiver): the port is a mirroring session's SPAN
	 *  destination and gets nothing but mirrored frames (vsw-mirror(7)).
	 *  @since 2.2 */
	VSW_CTR_MIRROR_DST = 39,
	/** Drop: a VXLAN datagram shorter than its 8-byte header
	 *  (vsw-backend-vxlan(7)). @since 2.2 */
	VSW_CTR_VXLAN_SHORT = 40,
	/** Drop: a VXLAN datagram without the I flag (0x08). @since 2.2 */
	VSW_CTR_VXLAN_BAD_FLAGS = 41,
	/** Drop: a VXLAN datagram of a VNI no VLAN maps to, or a frame sent
	 *  on a VLAN that has no VNI. @since 2.2 */
	VSW_CTR_VXLAN_UNKNOWN_VNI = 42,
	/** Drop: a VXLAN datagram whose inner frame is shorter than an
	 *  Ethernet header. @since 2.2 */
	VSW_CTR_VXLAN_RUNT = 43,
	/** Drop: a VXLAN datagram whose inner frame carries a VLAN tag. @since 2.2 */
	VSW_CTR_VXLAN_INNER_TAG = 44,
	/** Drop: a frame whose VXLAN datagram would not fit the underlay MTU
	 *  (never fragmented). @since 2.2 */
	VSW_CTR_VXLAN_TOO_BIG = 45,
};

/** Number of counters this version of the headers knows. */
#define VSW_CTR_COUNT 46

/** The class of a counter, as the function vsw_counter_kind returns it. */
enum vsw_counter_kind {
	VSW_CTR_KIND_TRAFFIC = 1, /**< rx/tx packets and bytes. */
	VSW_CTR_KIND_DROP = 2,    /**< A forwarding decision discarded the frame. */
	VSW_CTR_KIND_ERROR = 3,   /**< A backend failed to move a frame. */
	VSW_CTR_KIND_EVENT = 4,   /**< Something happened; no frame was lost. */
};

/**
 * @brief The name of a counter, e.g. "vlan_violation".
 * @param ctr  A counter index.
 * @return A static string, or NULL if @p ctr is not a known counter.
 * @since 1.0
 */
VSW_API const char *vsw_counter_name(enum vsw_counter ctr);

/**
 * @brief The class of a counter.
 * @param ctr  A counter index.
 * @return An enum vsw_counter_kind value, or 0 if @p ctr is unknown.
 * @since 1.0
 */
VSW_API enum vsw_counter_kind vsw_counter_kind(enum vsw_counter ctr);

/**
 * @brief Read one counter of a port.
 * @param port  The port.
 * @param ctr   The counter.
 * @return Its value; 0 if @p port is NULL or @p ctr unknown.
 * @since 1.0
 */
VSW_API uint64_t vsw_port_counter(const struct vsw_port *port,
				  enum vsw_counter ctr);

/**
 * @brief Read all of a port's counters in one call, as they stand at one
 *        instant.
 *
 * Entry @c i of @p out receives counter @c i (enum vsw_counter), for
 * @c i below both @p n and the number of counters this library has; entries
 * beyond what the library has are set to 0, so a program built against
 * newer headers reads zeros for counters an older library lacks.
 *
 * @param port  The port.
 * @param out   Receives @p n counters.
 * @param n     Entries in @p out (VSW_CTR_COUNT for all that the headers know).
 * @return The number of counters the library has (its VSW_CTR_COUNT, which
 *         may exceed @p n: a program built against older headers then
 *         learns that more exist), or @c -EINVAL: @p port is NULL, or
 *         @p out is NULL with @p n non-zero.
 * @since 1.3
 */
VSW_API int vsw_port_counters(const struct vsw_port *port, uint64_t *out, unsigned int n);

/**
 * @brief Set every counter of a port to zero.
 * @param port  The port.
 * @return 0 on success, or @c -EINVAL: @p port is NULL.
 * @since 1.0
 */
VSW_API int vsw_port_clear_counters(struct vsw_port *port);

/** @} */

/**
 * @defgroup fdb The MAC table
 * @{
 */

/**
 * @brief One MAC table entry, as vsw_switch_fdb_foreach() reports it.
 */
struct vsw_fdb_entry_info {
	/** sizeof(struct vsw_fdb_entry_info) as this library knows it. */
	size_t size;
	/** The VLAN domain: 0 to 4094, or 4095 for a trunk port's own MAC. */
	unsigned int vlan;
	/** The MAC address. */
	uint8_t mac[6];
	/** 1 for a learned entry, 0 for a port's own (static) address. */
	int learned;
	/** Seconds since a learned entry was last seen; 0 for static entries. */
	unsigned int age_sec;
	/** The port the address is behind. */
	struct vsw_port *port;
};

/**
 * @brief A MAC table visitor.
 * @param e     The entry, valid during the call.
 * @param user  The pointer given to vsw_switch_fdb_foreach().
 * @return 0 to continue, anything else to stop the walk.
 */
typedef int (*vsw_fdb_fn)(const struct vsw_fdb_entry_info *e, void *user);

/**
 * @brief Walk the MAC table of a switch.
 *
 * Visits every static entry (the effective MAC of each vNIC and VMkernel
 * port) and every learned entry that has not aged out, in table order. The
 * callback runs with the switch busy: calls that would change the switch
 * return @c -EBUSY, and vsw_switch_free() does nothing until the walk ends.
 *
 * @param sw    The switch.
 * @param fn    Called once per entry.
 * @param user  Passed to @p fn.
 * @return 0 after a full walk, the callback's non-zero value if it stopped
 *         the walk, or @c -EINVAL if @p sw or @p fn is NULL.
 * @since 1.0
 */
VSW_API int vsw_switch_fdb_foreach(const struct vsw_switch *sw, vsw_fdb_fn fn, void *user);

/**
 * @brief Forget every learned MAC address of a switch.
 * @param sw  The switch.
 * @return The number of entries removed, or @c -EINVAL (@p sw is NULL) or
 *         @c -EBUSY (the switch is busy: called from a receive callback, its
 *         log handler or the callback of a walk of it).
 * @since 1.0
 */
VSW_API int vsw_switch_fdb_flush(struct vsw_switch *sw);

/** @} */

/**
 * @defgroup lldp LLDP: link discovery on uplinks
 *
 * A switch speaks IEEE 802.1AB LLDP on its uplinks, as a vSphere
 * Distributed Switch does with its discovery protocol set to LLDP. It
 * @b listens: LLDPDUs that arrive on an uplink (ethertype 0x88cc, to
 * 01:80:c2:00:00:0e, 01:80:c2:00:00:03 or 01:80:c2:00:00:00) are parsed into
 * the uplink's neighbor table, which vsw_uplink_lldp_foreach() reads. And it
 * @b advertises: every interval, an LLDPDU on each uplink whose link is up
 * names the switch (chassis ID), the uplink (port ID) and the host (system
 * name), so that the physical switch sees which vmnic it is cabled to.
 *
 * LLDP frames are link-local: whatever the mode, the switch never forwards
 * them, from an uplink or from a virtual port; each counts in the port's
 * VSW_CTR_LLDP_RX counter. vsw-lldp(7) is the whole story.
 * @{
 */

/** What a switch does with LLDP: the vSphere "operation" of the protocol. */
enum vsw_lldp_mode {
	/** Neither listen nor advertise; LLDP frames are still consumed. */
	VSW_LLDP_NONE = 0,
	/** Keep the neighbors heard on each uplink (the default). */
	VSW_LLDP_LISTEN = 1,
	/** Send LLDPDUs on every uplink; ignore what arrives. */
	VSW_LLDP_ADVERTISE = 2,
	/** Listen and advertise. */
	VSW_LLDP_BOTH = 3,
};

/** The advertising interval of a new switch, in seconds. */
#define VSW_LLDP_INTERVAL_DEFAULT 30
/** The longest advertising interval, in seconds (802.1AB msgTxInterval). */
#define VSW_LLDP_INTERVAL_MAX 3600

/**
 * @brief Set what a switch does with LLDP.
 *
 * Turning advertising on sends an LLDPDU on every uplink whose link is up at
 * once; turning it off sends a shutdown LLDPDU (time to live 0) on each, so
 * that the neighbors forget the switch at once. Turning listening off
 * forgets every neighbor.
 *
 * @param sw    The switch.
 * @param mode  An enum vsw_lldp_mode value.
 * @return 0 on success, or
 *  - @c -EINVAL: @p sw is NULL or @p mode is not a known value;
 *  - @c -EBUSY: called while the switch delivers (from a receive callback).
 * @since 1.1
 */
VSW_API int vsw_switch_set_lldp_mode(struct vsw_switch *sw, enum vsw_lldp_mode mode);

/**
 * @brief What a switch does with LLDP.
 * @param sw  The switch.
 * @return An enum vsw_lldp_mode value; VSW_LLDP_NONE if @p sw is NULL.
 * @since 1.1
 */
VSW_API enum vsw_lldp_mode vsw_switch_lldp_mode(const struct vsw_switch *sw);

/**
 * @brief Set the interval between the LLDPDUs a switch advertises.
 *
 * The advertised time to live is four intervals. While advertising, the
 * switch sends an LLDPDU with the new time to live on every uplink whose
 * link is up at once, and the next ones one interval apart.
 *
 * @param sw            The switch.
 * @param interval_sec  1 to VSW_LLDP_INTERVAL_MAX seconds.
 * @return 0 on success, or
 *  - @c -EINVAL: @p sw is NULL or @p interval_sec is out of range;
 *  - @c -EBUSY: called while the switch delivers (from a receive callback).
 * @since 1.1
 */
VSW_API int vsw_switch_set_lldp_interval(struct vsw_switch *sw, unsigned int interval_sec);

/**
 * @brief The interval between the LLDPDUs a switch advertises.
 * @param sw  The switch.
 * @return Seconds; 0 if @p sw is NULL.
 * @since 1.1
 */
VSW_API unsigned int vsw_switch_lldp_interval(const struct vsw_switch *sw);

/**
 * @brief One LLDP neighbor of an uplink, as vsw_uplink_lldp_foreach() reports it.
 *
 * Identifiers are given as received and as printable text. Text fields hold
 * the neighbor's bytes 0x20 to 0x7e as they are, a backslash as two, and
 * every other byte as a "\\xNN" escape: they are safe to print and are never
 * cut short by a NUL in the frame.
 */
struct vsw_lldp_neighbor {
	/** sizeof(struct vsw_lldp_neighbor) as this library knows it. */
	size_t size;
	/** Chassis ID subtype, 1 to 7 (802.1AB): 4 MAC address, 5 network
	 *  address, 7 locally assigned... */
	unsigned int chassis_id_subtype;
	/** The chassis ID: @c chassis_id_len bytes, 1 to 255. */
	const uint8_t *chassis_id;
	/** Length of @c chassis_id. */
	unsigned int chassis_id_len;
	/** The chassis ID as text: "xx:xx:xx:xx:xx:xx" for a MAC address, an
	 *  IPv4 or IPv6 address for a network address, else escaped text. */
	const char *chassis_id_text;
	/** Port ID subtype, 1 to 7 (802.1AB): 3 MAC address, 4 network address,
	 *  5 interface name, 7 locally assigned... */
	unsigned int port_id_subtype;
	/** The port ID: @c port_id_len bytes, 1 to 255. */
	const uint8_t *port_id;
	/** Length of @c port_id. */
	unsigned int port_id_len;
	/** The port ID as text, like @c chassis_id_text. */
	const char *port_id_text;
	/** Time to live the neighbor announced, in seconds (1 to 65535). */
	unsigned int ttl;
	/** Seconds until the entry expires unless the neighbor speaks again. */
	unsigned int expires_sec;
	/** Port description as escaped text, or NULL if not sent. */
	const char *port_description;
	/** System name as escaped text, or NULL if not sent. */
	const char *system_name;
	/** System description as escaped text, or NULL if not sent. */
	const char *system_description;
	/** 1 if @c mgmt_ipv4 holds the first IPv4 management address. */
	int has_mgmt_ipv4;
	/** IPv4 management address, network byte order. */
	uint8_t mgmt_ipv4[4];
	/** 1 if @c mgmt_ipv6 holds the first IPv6 management address. */
	int has_mgmt_ipv6;
	/** IPv6 management address, network byte order. */
	uint8_t mgmt_ipv6[16];
	/** Port VLAN ID of the IEEE 802.1 organizationally specific TLV, 1 to
	 *  4094; 0 if not sent. */
	unsigned int port_vlan_id;
	/** Source MAC address of the neighbor's last LLDPDU. */
	uint8_t src_mac[6];
};

/**
 * @brief An LLDP neighbor visitor.
 * @param n     The neighbor, valid during the call only.
 * @param user  The pointer given to vsw_uplink_lldp_foreach().
 * @return 0 to continue, anything else to stop the walk.
 */
typedef int (*vsw_lldp_fn)(const struct vsw_lldp_neighbor *n, void *user);

/**
 * @brief Walk the LLDP neighbors an uplink has heard.
 *
 * Visits every neighbor whose time to live has not run out by the switch's
 * clock, in the order they were first heard; an uplink keeps at most eight.
 * Neighbors that expired are forgotten first. The callback must not change
 * the switch.
 *
 * @param u     The uplink.
 * @param fn    Called once per neighbor.
 * @param user  Passed to @p fn.
 * @return 0 after a full walk, the callback's non-zero value if it stopped
 *         the walk, or @c -EINVAL if @p u or @p fn is NULL.
 * @since 1.1
 */
VSW_API int vsw_uplink_lldp_foreach(struct vsw_uplink *u, vsw_lldp_fn fn, void *user);

/** @} */

/**
 * @defgroup mirror Port mirroring and capture
 * @brief Mirroring sessions (SPAN, RSPAN, a host callback) and pcapng capture.
 *
 * A mirroring session copies the frames of its source ports to one
 * destination, as the distributed switch's port mirroring does: a port of
 * the switch (SPAN), an uplink with an encapsulation VLAN (RSPAN), or a
 * host callback (the capture path, vsw_capture_open()). vsw-mirror(7) is
 * the whole story.
 *
 * - An ingress copy is the frame as the source port sent it into the
 *   switch (an out-of-band tag written into the bytes); an egress copy is
 *   the frame as the port received it, after the switch pushed or popped
 *   its tag. A frame the switch drops is still mirrored on ingress.
 * - Mirroring never changes forwarding, and a mirrored frame is never
 *   mirrored again: copies handed to a destination port are not copied to
 *   any session, and frames a destination port sends are forwarded as
 *   usual.
 * - A SPAN destination port receives only mirrored frames: normal
 *   forwarding to it stops (counted VSW_CTR_MIRROR_DST on it).
 * - Each session counts the copies its destination took and those it lost
 *   (vsw_mirror_stats()).
 * - A switch without an enabled session pays nothing for mirroring; a
 *   session costs its copies.
 * @{
 */

/** An opaque mirroring session of one switch. */
struct vsw_mirror;

/** Which frames of a source port a session copies. */
enum vsw_mirror_dir {
	VSW_MIRROR_INGRESS = 1, /**< Frames the port sends into the switch. */
	VSW_MIRROR_EGRESS = 2,  /**< Frames the switch delivers to the port. */
	VSW_MIRROR_BOTH = 3,    /**< Both. */
};

/** The longest session name, in bytes. */
#define VSW_MIRROR_NAME_MAX VSW_NAME_MAX

/** Options of a new session; zero-initialise, then set @c size. */
struct vsw_mirror_opts {
	size_t size;          /**< sizeof(struct vsw_mirror_opts). */
	unsigned int snaplen; /**< Bytes copied of each frame, 0: all of it. */
	int disabled;         /**< Non-zero: created disabled. */
};

/**
 * @brief Create a mirroring session on a switch.
 *
 * The session has no sources and no destination; it copies nothing until
 * it has both and is enabled.
 *
 * @param sw    The switch.
 * @param name  The session's name, unique on the switch, 1 to
 *              VSW_MIRROR_NAME_MAX bytes with no control characters.
 * @param opts  Options, or NULL: enabled, whole frames.
 * @param out   Receives the session.
 * @return 0, or @c -EINVAL (a NULL argument, a bad name or option),
 *         @c -ENAMETOOLONG, @c -EEXIST (the name is taken), @c -ENOMEM,
 *         @c -EBUSY (called from inside a delivery).
 * @since 2.2
 */
VSW_API int vsw_mirror_add(struct vsw_switch *sw, const char *name,
			   const struct vsw_mirror_opts *opts, struct vsw_mirror **out);

/**
 * @brief Remove a session; its destination port forwards normally again.
 *
 * A capture opened on the session (vsw_capture_open()) stops receiving
 * and must still be closed with vsw_capture_close().
 *
 * @param m  The session.
 * @return 0, @c -EINVAL (NULL) or @c -EBUSY (inside a delivery).
 * @since 2.2
 */
VSW_API int vsw_mirror_remove(struct vsw_mirror *m);

/**
 * @brief Find a session by name.
 * @param sw    The switch.
 * @param name  The name.
 * @param out   Receives the session.
 * @return 0, @c -ENOENT or @c -EINVAL.
 * @since 2.2
 */
VSW_API int vsw_mirror_find(const struct vsw_switch *sw, const char *name,
			    struct vsw_mirror **out);

/**
 * @brief Iterate over a switch's sessions in the order they were added.
 * @param sw    The switch.
 * @param prev  NULL for the first session, else the previous one.
 * @return The next session, or NULL at the end.
 * @since 2.2
 */
VSW_API struct vsw_mirror *vsw_mirror_next(const struct vsw_switch *sw,
					   const struct vsw_mirror *prev);

/**
 * @brief A session's name.
 * @param m  The session.
 * @return The name, valid while the session exists; NULL if @p m is NULL.
 * @since 2.2
 */
VSW_API const char *vsw_mirror_name(const struct vsw_mirror *m);

/**
 * @brief Mirror a port, or change the direction it is mirrored in.
 *
 * A source keeps its VLAN filter (vsw_mirror_set_source_vlans()) when its
 * direction changes. A port may be a source of several sessions, but not
 * of the session whose destination it is.
 *
 * @param m          The session.
 * @param port       A port of the session's switch (any kind).
 * @param direction  VSW_MIRROR_INGRESS, VSW_MIRROR_EGRESS or VSW_MIRROR_BOTH.
 * @return 0, @c -EINVAL (NULL, another switch's port, a bad direction, the
 *         session's destination port), @c -ENOMEM or @c -EBUSY.
 * @since 2.2
 */
VSW_API int vsw_mirror_add_source(struct vsw_mirror *m, struct vsw_port *port,
				  unsigned int direction);

/**
 * @brief Stop mirroring a port.
 * @param m     The session.
 * @param port  One of its sources.
 * @return 0, @c -ENOENT (not a source), @c -EINVAL or @c -EBUSY.
 * @since 2.2
 */
VSW_API int vsw_mirror_remove_source(struct vsw_mirror *m, struct vsw_port *port);

/**
 * @brief The sources of a session, one after the other.
 * @param m          The session.
 * @param prev       NULL for the first source, else the previous one.
 * @param direction  If not NULL, receives the source's direction.
 * @return The next source port, or NULL at the end.
 * @since 2.2
 */
VSW_API struct vsw_port *vsw_mirror_source_next(const struct vsw_mirror *m,
						const struct vsw_port *prev,
						unsigned int *direction);

/**
 * @brief Restrict a source to some VLANs.
 *
 * A frame is copied only if its VLAN is in the list: for a port in a port
 * group with VLAN 0 or 1-4094 that is the port group's VLAN; for a VGT
 * (4095) port or an uplink, the VLAN of the frame's outer 802.1Q tag (0
 * when untagged). Frames too short to hold a header are then not copied.
 *
 * @param m      The session.
 * @param port   One of its sources.
 * @param vlans  VLAN IDs 0-4094, or NULL with @p n 0 for every VLAN.
 * @param n      Entries in @p vlans.
 * @return 0, @c -ENOENT (not a source), @c -EINVAL (a VLAN above 4094),
 *         @c -ENOMEM or @c -EBUSY.
 * @since 2.2
 */
VSW_API int vsw_mirror_set_source_vlans(struct vsw_mirror *m, struct vsw_port *port,
					const uint16_t *vlans, unsigned int n);

/**
 * @brief The VLANs a source is restricted to.
 * @param m      The session.
 * @param port   One of its sources.
 * @param out    Receives up to @p n VLAN IDs in increasing order, or NULL.
 * @param n      Entries in @p out.
 * @return The number of VLANs in the filter (0: every VLAN, no filter),
 *         @c -ENOENT (not a source) or @c -EINVAL.
 * @since 2.2
 */
VSW_API int vsw_mirror_source_vlans(const struct vsw_mirror *m, const struct vsw_port *port,
				    uint16_t *out, unsigned int n);

/**
 * @brief Send the session's copies to a port of the switch (SPAN, RSPAN).
 *
 * To a virtual port (SPAN), copies go as they are and the port then gets
 * nothing but mirrored frames. To an uplink, with @p encap_vlan 1-4094
 * (RSPAN), each copy leaves with its outer 802.1Q tag replaced by, or
 * given, the encapsulation VLAN's tag; with @p encap_vlan 0, as it is.
 * Copies carrying offload metadata the port does not take have their
 * checksum hints dropped; super-frames (GSO) it cannot take are lost and
 * counted as dropped.
 *
 * @param m           The session.
 * @param port        A port of the same switch that is not one of the
 *                    session's sources, or NULL for no destination.
 * @param encap_vlan  For an uplink: 0, or the RSPAN VLAN 1-4094. Must be
 *                    0 for a virtual port.
 * @return 0, @c -EINVAL or @c -EBUSY.
 * @since 2.2
 */
VSW_API int vsw_mirror_set_dest_port(struct vsw_mirror *m, struct vsw_port *port,
				     unsigned int encap_vlan);

/** One mirrored copy, as a callback destination gets it. */
struct vsw_mirror_copy {
	const uint8_t *data;    /**< The frame's first @c caplen bytes. */
	uint32_t caplen;        /**< Bytes at @c data: min(len, snap length). */
	uint32_t len;           /**< The frame's whole length. */
	uint64_t ts_ns;         /**< When it was copied: CLOCK_REALTIME, in ns. */
	struct vsw_port *port;  /**< The source port. */
	unsigned int direction; /**< VSW_MIRROR_INGRESS or VSW_MIRROR_EGRESS. */
};

/**
 * @brief A session's callback destination.
 *
 * Called from inside the frame path, with the copies of one batch; the
 * copies are valid during the call only. The same rules as for a
 * vsw_rx_fn hold: no change to the switch (those calls return @c -EBUSY).
 * It must not block: a capture queues and counts what it cannot keep.
 *
 * @param m       The session.
 * @param copies  The copies.
 * @param n       Their number, at least 1.
 * @param user    The pointer given to vsw_mirror_set_dest_fn().
 * @return How many it took, from the first; the rest count as dropped.
 * @since 2.2
 */
typedef unsigned int (*vsw_mirror_fn)(struct vsw_mirror *m, const struct vsw_mirror_copy *copies,
				      unsigned int n, void *user);

/**
 * @brief Send the session's copies to a host callback.
 * @param m     The session.
 * @param fn    The callback, or NULL for no destination.
 * @param user  Passed to @p fn.
 * @return 0, @c -EINVAL or @c -EBUSY.
 * @since 2.2
 */
VSW_API int vsw_mirror_set_dest_fn(struct vsw_mirror *m, vsw_mirror_fn fn, void *user);

/**
 * @brief A session's destination port.
 * @param m           The session.
 * @param encap_vlan  If not NULL, receives the RSPAN VLAN (0 if none).
 * @return The destination port, or NULL (none, or a callback).
 * @since 2.2
 */
VSW_API struct vsw_port *vsw_mirror_dest_port(const struct vsw_mirror *m,
					      unsigned int *encap_vlan);

/**
 * @brief Set how many bytes of each frame a session copies.
 * @param m        The session.
 * @param snaplen  0 for whole frames, else at least 14.
 * @return 0, @c -EINVAL or @c -EBUSY.
 * @since 2.2
 */
VSW_API int vsw_mirror_set_snaplen(struct vsw_mirror *m, unsigned int snaplen);

/**
 * @brief A session's snap length.
 * @param m  The session.
 * @return The snap length, 0 for whole frames.
 * @since 2.2
 */
VSW_API unsigned int vsw_mirror_snaplen(const struct vsw_mirror *m);

/**
 * @brief Enable or disable a session; a disabled one copies nothing.
 * @param m        The session.
 * @param enabled  Non-zero to enable.
 * @return 0, @c -EINVAL or @c -EBUSY.
 * @since 2.2
 */
VSW_API int vsw_mirror_set_enabled(struct vsw_mirror *m, int enabled);

/**
 * @brief Whether a session is enabled.
 * @param m  The session.
 * @return 1 or 0; @c -EINVAL if @p m is NULL.
 * @since 2.2
 */
VSW_API int vsw_mirror_enabled(const struct vsw_mirror *m);

/** A session's counters. */
struct vsw_mirror_stats {
	size_t size;        /**< sizeof(struct vsw_mirror_stats), set by the caller. */
	uint64_t mirrored;  /**< Copies the destination took. */
	uint64_t dropped;   /**< Copies lost: refused, no room, destination down. */
};

/**
 * @brief Read a session's counters.
 * @param m   The session.
 * @param st  Receives the counters; set @c st->size first.
 * @return 0 or @c -EINVAL.
 * @since 2.2
 */
VSW_API int vsw_mirror_stats(const struct vsw_mirror *m, struct vsw_mirror_stats *st);

/**
 * @brief Zero a session's counters.
 * @param m  The session.
 * @return 0 or @c -EINVAL.
 * @since 2.2
 */
VSW_API int vsw_mirror_clear_stats(struct vsw_mirror *m);

/** An opaque pcapng capture of one session. */
struct vsw_capture;

/** Options of a new capture; zero-initialise, then set @c size. */
struct vsw_capture_opts {
	size_t size;           /**< sizeof(struct vsw_capture_opts). */
	size_t queue_bytes;    /**< Bound of the queue of encoded blocks; 0: 4 MiB. */
	uint64_t max_frames;   /**< Stop after this many frames, 0: no limit. */
};

/**
 * @brief Capture a session's copies as a pcapng stream written to a file
 *        descriptor.
 *
 * Becomes the session's destination (a callback). The stream starts with a
 * section header; each source port gets an interface block (its name, link
 * type Ethernet, the session's snap length, nanosecond timestamps) before
 * its first frame, and each frame an enhanced packet block whose flags
 * carry its direction (inbound: the port sent it into the switch;
 * outbound: the switch delivered it to the port).
 *
 * The switch never waits for the file: copies are encoded into a bounded
 * queue, and a copy that does not fit is dropped and counted. The host
 * writes the queue out with vsw_capture_flush() when the descriptor is
 * writable (make it non-blocking).
 *
 * @param m     The session; its destination is replaced.
 * @param fd    Where the stream goes; the capture does not close it.
 * @param opts  Options, or NULL.
 * @param out   Receives the capture.
 * @return 0, @c -EINVAL, @c -ENOMEM or @c -EBUSY.
 * @since 2.2
 */
VSW_API int vsw_capture_open(struct vsw_mirror *m, int fd, const struct vsw_capture_opts *opts,
			     struct vsw_capture **out);

/**
 * @brief Write what the capture queued to its file descriptor.
 * @param c  The capture.
 * @return 0 when the queue is empty, @c -EAGAIN when the descriptor would
 *         block with bytes left (wait until it is writable), @c -EINVAL if
 *         @p c is NULL, or the negative errno of a failed write (e.g.
 *         @c -EPIPE).
 * @since 2.2
 */
VSW_API int vsw_capture_flush(struct vsw_capture *c);

/**
 * @brief Bytes queued and not yet written.
 * @param c  The capture.
 * @return The number of bytes, 0 if @p c is NULL.
 * @since 2.2
 */
VSW_API size_t vsw_capture_pending(const struct vsw_capture *c);

/**
 * @brief End a capture: it takes no more copies and queues one interface
 *        statistics block per interface (frames received and dropped, the
 *        capture's start and end). Flush until nothing is pending, then
 *        close. Also happens by itself when @c max_frames is reached.
 * @param c  The capture.
 * @return 0 or @c -EINVAL.
 * @since 2.2
 */
VSW_API int vsw_capture_finish(struct vsw_capture *c);

/**
 * @brief Whether a capture has ended (vsw_capture_finish(), the frame
 *        limit, or its session removed).
 * @param c  The capture.
 * @return 1 or 0.
 * @since 2.2
 */
VSW_API int vsw_capture_done(const struct vsw_capture *c);

/** A capture's counters. */
struct vsw_capture_stats {
	size_t size;      /**< sizeof(struct vsw_capture_stats), set by the caller. */
	uint64_t frames;  /**< Frames queued as packet blocks. */
	uint64_t dropped; /**< Copies lost: the queue was full. */
	uint64_t bytes;   /**< Bytes of the stream written to the descriptor. */
};

/**
 * @brief Read a capture's counters.
 * @param c   The capture.
 * @param st  Receives them; set @c st->size first.
 * @return 0 or @c -EINVAL.
 * @since 2.2
 */
VSW_API int vsw_capture_stats(const struct vsw_capture *c, struct vsw_capture_stats *st);

/**
 * @brief Free a capture.
 *
 * Finishes it if need be and makes one last attempt to write what is
 * queued, then frees it; the session is left without a destination.
 * The file descriptor stays open. Called from inside a delivery of the
 * session's switch (a receive or mirror callback), it does nothing.
 *
 * @param c  The capture, or NULL.
 * @since 2.2
 */
VSW_API void vsw_capture_close(struct vsw_capture *c);

/** @} */

/**
 * @defgroup vxlan The VXLAN backend's flood list and learned table
 *
 * A vxlan backend instance (vsw-backend-vxlan(7)) floods to a list of
 * remote VTEPs and learns where inner MAC addresses live. These calls
 * change the list while the instance carries traffic, and read the list
 * and the table. Call them from the thread that drives the switch whose
 * port owns the instance (or from any one thread for an instance no port
 * owns), between rounds of vsw_switch_poll(): they are cheap and take
 * effect for the next frame.
 * @{
 */

/** Room for a VTEP's address as these calls write it: "A.B.C.D:PORT" or
 *  "[IPV6]:PORT", with its terminating NUL. */
#define VSW_VXLAN_ADDR_MAX 56

/**
 * @brief Add a remote VTEP to a vxlan instance's flood list.
 *
 * Broadcast, multicast and unknown unicast frames go to every VTEP of the
 * list from the next frame on.
 * @param be    A vxlan backend instance.
 * @param addr  "ADDR" or "ADDR:PORT" (IPv4), "IPV6", "[IPV6]" or
 *              "[IPV6]:PORT"; of the local address's family; the port
 *              defaults to the instance's (port=, 4789).
 * @return 0 on success, or
 *  - @c -EINVAL: @p be is NULL or not a vxlan instance, or @p addr is
 *    NULL or not such an address;
 *  - @c -EEXIST: that address and port are in the list;
 *  - @c -ENOSPC: the list holds 64 VTEPs already.
 * @since 2.2
 */
VSW_API int vsw_vxlan_add_remote(struct vsw_backend *be, const char *addr);

/**
 * @brief Remove a remote VTEP from a vxlan instance's flood list.
 *
 * The MAC addresses learned behind that address (any port) are forgotten
 * too: frames to them are flooded again until they are learned anew.
 * @param be    A vxlan backend instance.
 * @param addr  As for vsw_vxlan_add_remote().
 * @return 0 on success, or @c -EINVAL (as for vsw_vxlan_add_remote()) or
 *         @c -ENOENT (not in the list).
 * @since 2.2
 */
VSW_API int vsw_vxlan_remove_remote(struct vsw_backend *be, const char *addr);

/**
 * @brief Read one remote VTEP of a vxlan instance's flood list.
 *
 * Walk the list with @p i from 0 until @c -ENOENT. Removing a VTEP moves
 * the last one into its place.
 * @param be   A vxlan backend instance.
 * @param i    The index, from 0.
 * @param buf  Receives "A.B.C.D:PORT" or "[IPV6]:PORT", NUL-terminated.
 * @param len  Its size; VSW_VXLAN_ADDR_MAX always suffices.
 * @return 0 on success, or @c -EINVAL (@p be NULL or not a vxlan instance,
 *         @p buf NULL), @c -ENOENT (@p i past the end of the list) or
 *         @c -ENOSPC (@p len too small; @p buf is left alone).
 * @since 2.2
 */
VSW_API int vsw_vxlan_remote_get(struct vsw_backend *be, unsigned int i, char *buf,
				 size_t len);

/**
 * @brief One learned entry of a vxlan instance, as vsw_vxlan_fdb_foreach()
 *        reports it.
 */
struct vsw_vxlan_fdb_entry {
	/** sizeof(struct vsw_vxlan_fdb_entry) as this library knows it. */
	size_t size;
	/** The VNI. */
	uint32_t vni;
	/** The VLAN the VNI maps to (0 to 4094). */
	unsigned int vlan;
	/** The inner MAC address. */
	uint8_t mac[6];
	/** Seconds since a datagram from it was last received. */
	unsigned int age_sec;
	/** The VTEP it is behind: "A.B.C.D:PORT" or "[IPV6]:PORT". */
	char vtep[VSW_VXLAN_ADDR_MAX];
};

/**
 * @brief A vxlan learned-table visitor.
 * @param e     The entry, valid during the call.
 * @param user  The pointer given to vsw_vxlan_fdb_foreach().
 * @return 0 to continue, anything else to stop the walk.
 */
typedef int (*vsw_vxlan_fdb_fn)(const struct vsw_vxlan_fdb_entry *e, void *user);

/**
 * @brief Walk the learned table of a vxlan instance.
 *
 * Visits every entry that has not aged out, in table order. The callback
 * must not call vsw_vxlan_remove_remote() on the same instance.
 * @param be    A vxlan backend instance.
 * @param fn    Called once per entry.
 * @param user  Passed to @p fn.
 * @return 0 after a full walk, the callback's non-zero value if it stopped
 *         the walk, or @c -EINVAL (@p be NULL or not a vxlan instance, @p fn
 *         NULL).
 * @since 2.2
 */
VSW_API int vsw_vxlan_fdb_foreach(struct vsw_backend *be, vsw_vxlan_fdb_fn fn, void *user);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* VSW_H */
