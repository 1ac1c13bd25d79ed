cmdline.o: kernel/core/cmdline.c include/svsm/boot.h \
  include/svsm/compiler.h include/svsm/err.h include/lib/string.h

include/svsm/boot.h:

include/svsm/compiler.h:

include/svsm/err.h:

include/lib/string.h:
