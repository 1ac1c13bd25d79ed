log.o: kernel/core/log.c include/svsm/log.h include/svsm/compiler.h \
  include/svsm/console.h include/svsm/spinlock.h include/svsm/arch/cpu.h \
  include/lib/format.h

include/svsm/log.h:

include/svsm/compiler.h:

include/svsm/console.h:

include/svsm/spinlock.h:

include/svsm/arch/cpu.h:

include/lib/format.h:
