layout.o: kernel/core/layout.c include/svsm/layout.h \
  include/svsm/compiler.h include/svsm/err.h include/svsm/addr.h \
  include/svsm/log.h include/lib/string.h

include/svsm/layout.h:

include/svsm/compiler.h:

include/svsm/err.h:

include/svsm/addr.h:

include/svsm/log.h:

include/lib/string.h:
