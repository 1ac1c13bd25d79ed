stackprot.o: kernel/core/stackprot.c include/svsm/stackprot.h \
  include/svsm/compiler.h include/svsm/arch/cpu.h include/svsm/panic.h

include/svsm/stackprot.h:

include/svsm/compiler.h:

include/svsm/arch/cpu.h:

include/svsm/panic.h:
