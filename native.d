native.o: kernel/plat/native/native.c include/svsm/arch/cpu.h \
  include/svsm/compiler.h include/svsm/arch/io.h \
  include/svsm/plat/plat.h

include/svsm/arch/cpu.h:

include/svsm/compiler.h:

include/svsm/arch/io.h:

include/svsm/plat/plat.h:
