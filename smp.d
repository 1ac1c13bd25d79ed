smp.o: kernel/core/smp.c include/svsm/smp.h include/svsm/compiler.h \
  include/svsm/arch/cpu.h include/svsm/boot.h include/svsm/err.h \
  include/svsm/log.h include/svsm/percpu.h include/svsm/plat/plat.h

include/svsm/smp.h:

include/svsm/compiler.h:

include/svsm/arch/cpu.h:

include/svsm/boot.h:

include/svsm/err.h:

include/svsm/log.h:

include/svsm/percpu.h:

include/svsm/plat/plat.h:
