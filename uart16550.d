uart16550.o: kernel/drivers/uart16550.c include/svsm/console.h \
  include/svsm/plat/plat.h include/svsm/compiler.h

include/svsm/console.h:

include/svsm/plat/plat.h:

include/svsm/compiler.h:
