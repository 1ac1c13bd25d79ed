mm.o: kernel/arch/x86_64/mm.c include/svsm/addr.h \
  kernel/arch/x86_64/layout.h kernel/arch/x86_64/x86.h

include/svsm/addr.h:

kernel/arch/x86_64/layout.h:

kernel/arch/x86_64/x86.h:
