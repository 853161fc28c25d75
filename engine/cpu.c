/* cpu.c — the CPU's features, narrowed by GLANCE_CPU (cpu.h). */
#include "cpu.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* Linux hands out AMX's 8 KB of tile state only to processes that ask (5.16+). */
static int amx_permitted(void)
{
#if defined(__linux__) && defined(__x86_64__)
    enum { ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 };
    return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
#else
    return 0;
#endif
}

static GlanceCpu cpu;
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;

static void detect(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    cpu.fma_hardware = __builtin_cpu_supports("fma");
    cpu.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    cpu.avx512 = cpu.avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    cpu.avx512_vnni = cpu.avx512 && __builtin_cpu_supports("avx512vnni");
    cpu.avx512_bf16 = cpu.avx512 && __builtin_cpu_supports("avx512bf16");
    cpu.amx = cpu.avx512_vnni && cpu.avx512_bf16 && __builtin_cpu_supports("amx-tile") &&
              __builtin_cpu_supports("amx-int8") && __builtin_cpu_supports("amx-bf16");
#endif
    const char *force = getenv("GLANCE_CPU");
    if (force && !strcmp(force, "avx512")) {
        cpu.amx = 0;
    } else if (force && !strcmp(force, "avx2")) {
        cpu.amx = 0;
        cpu.avx512 = cpu.avx512_vnni = cpu.avx512_bf16 = 0;
    } else if (force && !strcmp(force, "generic")) {
        int fma = cpu.fma_hardware;
        memset(&cpu, 0, sizeof cpu);
        cpu.fma_hardware = fma;
    }
    if (cpu.amx)
        cpu.amx = amx_permitted();
}

const GlanceCpu *glance_cpu(void)
{
    pthread_once(&cpu_once, detect);
    return &cpu;
}

const char *glance_cpu_q8_path(void)
{
    const GlanceCpu *c = glance_cpu();
    return c->amx ? "amx" : c->avx512_vnni ? "avx512-vnni" : c->avx2 ? "avx2" : "generic";
}
