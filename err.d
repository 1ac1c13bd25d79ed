err.o: kernel/core/err.c include/svsm/err.h

include/svsm/err.h:
