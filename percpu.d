percpu.o: kernel/core/percpu.c include/svsm/percpu.h \
  include/svsm/arch/cpu.h include/svsm/compiler.h include/svsm/addr.h \
  include/svsm/layout.h include/svsm/err.h include/svsm/panic.h

include/svsm/percpu.h:

include/svsm/arch/cpu.h:

include/svsm/compiler.h:

include/svsm/addr.h:

include/svsm/layout.h:

include/svsm/err.h:

include/svsm/panic.h:
